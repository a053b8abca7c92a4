from django.urls import path

from . import out_views, views

app_name = "mail"

urlpatterns = [
    path("quarantine/", views.quarantine, name="quarantine"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("messages/<int:pk>/ticket/", views.message_file, name="message_file"),
    path("messages/<int:pk>/discard/", views.message_discard, name="message_discard"),
    path("messages/<int:pk>/retry/", views.message_retry, name="message_retry"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("preferences/", out_views.preferences, name="preferences"),
    path("rota/", out_views.rota_page, name="rota"),
    path("rota/members/<int:pk>/", out_views.rota_member, name="rota_member"),
    path("rota/swaps/<int:pk>/cancel/", out_views.swap_cancel, name="swap_cancel"),
    path("pages/<str:token>/", out_views.page_ack, name="page_ack"),
]
