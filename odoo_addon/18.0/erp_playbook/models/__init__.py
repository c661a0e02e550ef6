from . import erp_playbook
from . import project_project
from . import project_task
from . import erp_project_phase
from . import erp_signoff
from . import erp_payment_milestone
from . import account_analytic_line
from . import res_config_settings
