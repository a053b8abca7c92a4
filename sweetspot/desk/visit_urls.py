from django.urls import path

from . import visit_views

app_name = "visits"

urlpatterns = [
    path("", visit_views.calendar_week, name="calendar"),
    path("new/", visit_views.visit_create, name="visit_create"),
    path("generate/", visit_views.generate, name="generate"),
    path("feed/<str:key>.ics", visit_views.feed, name="feed"),
    path("<int:pk>/", visit_views.visit_detail, name="visit_detail"),
    path("<int:pk>/edit/", visit_views.visit_edit, name="visit_edit"),
    path("<int:pk>/cancel/", visit_views.visit_cancel, name="visit_cancel"),
    path("<int:pk>/reschedule/", visit_views.visit_reschedule, name="visit_reschedule"),
    path("<int:pk>/done/", visit_views.visit_done, name="visit_done"),
    path("<int:pk>/checklist/<int:index>/", visit_views.visit_tick, name="visit_tick"),
]
