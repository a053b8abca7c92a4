from django.urls import path

from . import time_views

app_name = "time"

urlpatterns = [
    path("", time_views.timesheet, name="timesheet"),
    path("entries/<int:pk>/edit/", time_views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/delete/", time_views.entry_delete, name="entry_delete"),
    path("timer/", time_views.timer, name="timer"),
    path("timer/indicator/", time_views.timer_indicator, name="timer_indicator"),
    path("timer/start/", time_views.timer_start, name="timer_start"),
    path("timer/stop/", time_views.timer_stop, name="timer_stop"),
    path("feeds/new/", time_views.feed_create, name="feed_create"),
    path("feeds/<int:pk>/revoke/", time_views.feed_revoke, name="feed_revoke"),
    path("billable/", time_views.billable, name="billable"),
]
