from . import portal
from . import portal_log
from . import register_portal
