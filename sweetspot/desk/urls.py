from django.urls import path

from . import batch_views, views

app_name = "desk"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("mine/", views.my_tickets, name="my_tickets"),
    path("batch/", batch_views.batch_preview, name="batch_preview"),
    path("batch/accept/", batch_views.batch_accept, name="batch_accept"),
    path("batch/runs/<int:pk>/", batch_views.batch_run, name="batch_run"),
    path("tickets/new/", views.ticket_create, name="ticket_create"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/edit/", views.ticket_edit, name="ticket_edit"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="ticket_assign"),
    path("tickets/<int:pk>/comment/", views.ticket_comment, name="ticket_comment"),
    path("tickets/<int:pk>/<str:action>/", views.ticket_transition, name="ticket_transition"),
    path("portal/", views.portal_list, name="portal_list"),
    path("portal/new/", views.portal_create, name="portal_create"),
    path("portal/<int:pk>/", views.portal_detail, name="portal_detail"),
    path("portal/<int:pk>/comment/", views.portal_comment, name="portal_comment"),
]
