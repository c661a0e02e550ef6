from . import erp_status_report_send
