"""Business calendars: working hours, holidays and business-time arithmetic.

`complaintdesk.calendars.engine` holds the pure functions (`add_business_time`,
`business_time_between`); `models.load_calendar` turns a stored calendar into the value
object they take.
"""
