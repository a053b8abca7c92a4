from django.urls import include, path

urlpatterns = [
    path("", include("sweetspot.web.urls")),
    path("", include("sweetspot.core.urls")),
    path("clients/", include("sweetspot.clients.urls")),
    path("growth/certifications/", include("sweetspot.growth.cert_urls")),
    path("growth/", include("sweetspot.growth.urls")),
    path("growth/", include("sweetspot.growth.bd_urls")),
    path("team/", include("sweetspot.team.urls")),
    path("catalog/", include("sweetspot.catalog.urls")),
    path("agreements/", include("sweetspot.agreements.urls")),
    path("desk/", include("sweetspot.desk.urls")),
    path("time/", include("sweetspot.desk.time_urls")),
    path("visits/", include("sweetspot.desk.visit_urls")),
    path("billing/", include("sweetspot.billing.urls")),
    path("mail/", include("sweetspot.mail.urls")),
    path("search/", include("sweetspot.search.urls")),
    path("api/v1/", include("sweetspot.api.urls")),
]

# A database outage answers 503 with Retry-After instead of a 500 (core/errors.py).
handler500 = "sweetspot.core.errors.server_error"
