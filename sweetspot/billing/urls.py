from django.urls import path

from . import ar_views, views

app_name = "billing"

# Route names are unique across the project (the authorization table keys on bare names).
urlpatterns = [
    path("run/", views.run_preview, name="billing_run"),
    path("run/prepare/", views.run_prepare, name="billing_run_prepare"),
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/lines/", views.invoice_add_line, name="invoice_add_line"),
    path("invoices/<int:pk>/discount/", views.invoice_discount, name="invoice_discount"),
    path(
        "invoices/<int:pk>/lines/<int:line>/remove/",
        views.invoice_remove_line,
        name="invoice_remove_line",
    ),
    path("invoices/<int:pk>/notes/", views.invoice_notes, name="invoice_notes"),
    path("invoices/<int:pk>/regenerate/", views.invoice_regenerate, name="invoice_regenerate"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/credit/", views.invoice_credit, name="invoice_credit"),
    path("credit-notes/<int:pk>/", views.credit_note_detail, name="credit_note_detail"),
    path("invoices/<int:pk>/send/", ar_views.invoice_send, name="invoice_send"),
    path("invoices/<int:pk>/payments/", ar_views.invoice_payment, name="invoice_payment"),
    path(
        "invoices/<int:pk>/apply-credit/",
        ar_views.invoice_apply_credit,
        name="invoice_apply_credit",
    ),
    path("receivables/", ar_views.receivables, name="receivables"),
    path("statements/<int:pk>/pdf/", ar_views.statement_pdf, name="statement_pdf"),
    path("exports/", ar_views.export_list, name="export_list"),
    path("exports/<int:pk>/download/", ar_views.export_download, name="export_download"),
    path("settings/", ar_views.billing_settings, name="billing_settings"),
    path("profitability/", ar_views.profitability_page, name="profitability"),
    path("items/", views.item_list, name="billing_items"),
    path("items/<int:pk>/delete/", views.item_delete, name="billing_item_delete"),
]
