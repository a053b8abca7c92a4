from django.urls import path

from . import portal, views

urlpatterns = [
    path("", views.home, name="home"),
    path("my-company/", portal.my_company, name="my_company"),
]
