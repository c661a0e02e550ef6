from . import test_playbook_load
from . import test_hard_gates
from . import test_signoff
from . import test_man_days
from . import test_payment
from . import test_access
from . import test_i18n
from . import test_portal
