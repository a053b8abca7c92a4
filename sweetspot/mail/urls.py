from django.urls import path

from . import views

app_name = "mail"

urlpatterns = [
    path("quarantine/", views.quarantine, name="quarantine"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("messages/<int:pk>/ticket/", views.message_file, name="message_file"),
    path("messages/<int:pk>/discard/", views.message_discard, name="message_discard"),
    path("messages/<int:pk>/retry/", views.message_retry, name="message_retry"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
