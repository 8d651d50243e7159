"""Entrypoints of the registry service. Thin: each hands its arguments to a domain module with the unit of work.

The platform commits the unit of work (data and events together) after the entrypoint returns,
and rolls it back when it raises; nothing here commits.
"""
from inklusi_platform.entrypoints import rpc
from inklusi_platform.service import ServiceBase

from registry import consents, contacts, history, merging, persons


class RegistryService(ServiceBase):
    name = "registry"

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
    def merge_persons(self, keep_id: str, merge_id: str, actor: dict) -> dict:
        return merging.merge_persons(self.db, keep_id, merge_id, actor)

    @rpc
    def list_duplicate_flags(self, areas, limit=None, cursor=None) -> dict:
        return merging.list_duplicate_flags(self.db, areas, limit, cursor)

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

    # --- pokja and paguyuban ---------------------------------------------------------------------
    # (entrypoints added by the lead)

    # --- imports ---------------------------------------------------------------------------------
    # (entrypoints added by the lead)
