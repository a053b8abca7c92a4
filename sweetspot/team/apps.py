from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "sweetspot.team"
    label = "team"

    def ready(self) -> None:
        # The team is an input of dispatch, the promise check and the charts
        # (a save or delete gives the topic a new token: core.engine_cache).
        from sweetspot.core import engine_cache  # noqa: PLC0415 (models must be loaded first)

        for model in (
            "Technician",
            "TechnicianSkill",
            "TechnicianCertification",
            "Subcontractor",
            "SubcontractorSkill",
            "SubcontractorCertification",
            "Skill",
            "Certification",
            "CertificationSkill",
        ):
            engine_cache.watch(f"team.{model}", "team")
