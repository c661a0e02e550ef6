from . import portal
from . import portal_log
from . import portal_meeting
from . import register_portal
