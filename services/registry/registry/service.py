"""Entrypoints of the registry service. Thin: each hands its arguments to a domain module with the unit of work.

The platform commits the unit of work (data and events together) after the entrypoint returns,
and rolls it back when it raises; nothing here commits.
"""
import eventlet

from inklusi_platform.database import Database
from inklusi_platform.entrypoints import rpc
from inklusi_platform.service import ServiceBase
from registry import (
    consents,
    contacts,
    coverage,
    history,
    imports,
    merging,
    paguyuban,
    participants,
    persons,
    pokja,
    stats,
)


class RegistryService(ServiceBase):
    name = "registry"

    # Its answers carry NIKs and phones: a write's stored outcome (for Idempotency-Key retries) is sealed.
    db = Database(seal_outcomes=True)

    # --- persons ---------------------------------------------------------------------------------

    @rpc
    def register_person(self, data: dict, actor: dict) -> dict:
        return persons.register_person(self.db, data, actor)

    @rpc
    def get_person(self, person_id: str) -> dict:
        return persons.get_person(self.db, person_id)

    @rpc
    def list_persons(self, areas, filters=None, limit=None, cursor=None) -> dict:
        return persons.list_persons(self.db, areas, filters, limit, cursor)

    @rpc
    def update_person(self, person_id: str, changes: dict, expected_version, actor: dict) -> dict:
        return persons.update_person(self.db, person_id, changes, expected_version, actor)

    @rpc
    def get_history(self, person_id: str, limit=None, cursor=None) -> dict:
        return history.get_history(self.db, person_id, limit, cursor)

    # --- consents --------------------------------------------------------------------------------

    @rpc
    def list_consents(self, person_id: str) -> list:
        return consents.list_consents(self.db, person_id)

    @rpc
    def record_consent(self, person_id: str, data: dict, actor: dict) -> dict:
        return consents.record_consent(self.db, person_id, data, actor)

    @rpc
    def withdraw_consent(self, person_id: str, consent_id: str, reason: str, actor: dict) -> dict:
        return consents.withdraw_consent(self.db, person_id, consent_id, reason, actor)

    # --- duplicates and merging ------------------------------------------------------------------

    @rpc
    def merge_persons(self, keep_id: str, merge_id: str, actor: dict, areas=None) -> dict:
        return merging.merge_persons(self.db, keep_id, merge_id, actor, areas)

    @rpc
    def list_duplicate_flags(self, areas, limit=None, cursor=None) -> dict:
        return merging.list_duplicate_flags(self.db, areas, limit, cursor)

    @rpc
    def get_duplicate_flag(self, flag_id: str) -> dict:
        return merging.get_duplicate_flag(self.db, flag_id)

    @rpc
    def dismiss_duplicate_flag(self, flag_id: str, actor: dict) -> dict:
        return merging.dismiss_duplicate_flag(self.db, flag_id, actor)

    # --- lookups for other services (gateway area checks, notify, eligibility) ---------------------

    @rpc
    def persons_by_ids(self, ids: list) -> list:
        return persons.persons_by_ids(self.db, ids)

    @rpc
    def contact_details(self, person_id: str) -> dict:
        return contacts.contact_details(self.db, person_id)

    @rpc
    def person_area(self, person_id: str) -> dict:
        return persons.person_area(self.db, person_id)

    @rpc
    def participant_profiles(self, ids: list) -> list:
        return participants.participant_profiles(self.db, ids)

    # --- pokja ----------------------------------------------------------------------------------

    @rpc
    def form_pokja(self, data: dict, actor: dict) -> dict:
        return pokja.form_pokja(self.db, data, actor)

    @rpc
    def get_pokja(self, pokja_id: str) -> dict:
        return pokja.get_pokja(self.db, pokja_id)

    @rpc
    def list_pokja(self, areas, filters=None, limit=None, cursor=None) -> dict:
        return pokja.list_pokja(self.db, areas, filters, limit, cursor)

    @rpc
    def update_pokja(self, pokja_id: str, changes: dict, expected_version, actor: dict) -> dict:
        return pokja.update_pokja(self.db, pokja_id, changes, expected_version, actor)

    @rpc
    def assess_pokja(self, pokja_id: str, data: dict, actor: dict) -> dict:
        return pokja.assess_pokja(self.db, pokja_id, data, actor)

    @rpc
    def add_pokja_member(self, pokja_id: str, data: dict, actor: dict, areas=None) -> dict:
        return pokja.add_member(self.db, pokja_id, data, actor, areas)

    @rpc
    def end_pokja_membership(self, pokja_id: str, person_id: str, left_on: str, actor: dict) -> dict:
        return pokja.end_membership(self.db, pokja_id, person_id, left_on, actor)

    @rpc
    def list_pokja_members(self, pokja_id: str, include_past: bool = False) -> list:
        return pokja.list_members(self.db, pokja_id, include_past)

    @rpc
    def coverage(self) -> dict:
        return coverage.coverage(self.db)

    # --- paguyuban keluarga ---------------------------------------------------------------------

    @rpc
    def create_paguyuban(self, data: dict, actor: dict) -> dict:
        return paguyuban.create_paguyuban(self.db, data, actor)

    @rpc
    def get_paguyuban(self, paguyuban_id: str) -> dict:
        return paguyuban.get_paguyuban(self.db, paguyuban_id)

    @rpc
    def list_paguyuban(self, areas, filters=None, limit=None, cursor=None) -> dict:
        return paguyuban.list_paguyuban(self.db, areas, filters, limit, cursor)

    @rpc
    def add_paguyuban_member(self, paguyuban_id: str, data: dict, actor: dict, areas=None) -> dict:
        return paguyuban.add_member(self.db, paguyuban_id, data, actor, areas)

    @rpc
    def list_paguyuban_members(self, paguyuban_id: str, include_past: bool = False, limit=None,
                               cursor=None) -> dict:
        return paguyuban.list_members(self.db, paguyuban_id, include_past, limit, cursor)

    @rpc
    def record_paguyuban_activity(self, paguyuban_id: str, data: dict, actor: dict) -> dict:
        return paguyuban.record_activity(self.db, paguyuban_id, data, actor)

    @rpc
    def list_paguyuban_activities(self, paguyuban_id: str, limit=None, cursor=None) -> dict:
        return paguyuban.list_activities(self.db, paguyuban_id, limit, cursor)

    # --- statistics -----------------------------------------------------------------------------

    @rpc
    def registry_stats(self, areas, min_cell=None) -> dict:
        return stats.registry_stats(self.db, areas, min_cell)

    # --- imports --------------------------------------------------------------------------------

    @rpc
    def start_import(self, filename: str, content_base64: str, mode: str, actor: dict, areas,
                     consent_declaration=None) -> dict:
        content = imports.decode_upload(content_base64, pause=eventlet.sleep)
        return imports.create_job(self.db, filename, content, mode, actor, areas, consent_declaration)

    @rpc
    def get_import(self, job_id: str) -> dict:
        return imports.get_job(self.db, job_id)

    @rpc
    def list_imports(self, limit=None, cursor=None) -> dict:
        return imports.list_jobs(self.db, limit, cursor)

    @rpc
    def get_import_errors(self, job_id: str) -> str:
        return imports.error_report_csv(self.db, job_id)
    # The jobs themselves run in `python -m registry import-worker`, a process of its own, so an
    # import never takes the CPU and memory this service answers reads with.
