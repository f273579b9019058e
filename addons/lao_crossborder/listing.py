"""The export checklist of marketplace listings."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta


class Listing(metaclass=PoolMeta):
    __name__ = 'lao.listing'

    export_checklist = fields.Function(
        fields.Text("Export Checklist"), 'get_export_checklist')

    @classmethod
    def get_export_checklist(cls, listings, name):
        "One line per requirement of each destination, met or not"
        Requirement = Pool().get('lao.export.requirement')
        texts = {l.id: [] for l in listings}
        for destination in Requirement.destinations():
            checklist = Requirement.checklist(listings, destination)
            for listing_id, items in checklist.items():
                lines = texts[listing_id]
                ready = all(ok is not False for _, _, ok in items)
                lines.append(gettext(
                        'lao_crossborder.msg_checklist_ready'
                        if ready else
                        'lao_crossborder.msg_checklist_not_ready',
                        destination=destination.rec_name))
                for requirement, registration, ok in items:
                    lines.append(cls._checklist_line(
                            requirement, registration, ok))
        return {i: '\n'.join(lines) for i, lines in texts.items()}

    @classmethod
    def _checklist_line(cls, requirement, registration, ok):
        Requirement = Pool().get('lao.export.requirement')
        if ok is None:
            return gettext('lao_crossborder.msg_checklist_consignment',
                requirement=requirement.rec_name)
        if not ok:
            return '✗ ' + Requirement.missing_text(requirement)
        if registration:
            return gettext('lao_crossborder.msg_checklist_registration',
                requirement=requirement.rec_name,
                registration=registration.rec_name,
                date=(registration.valid_to.isoformat()
                    if registration.valid_to else '-'))
        return gettext('lao_crossborder.msg_checklist_protocol',
            requirement=requirement.rec_name,
            date=requirement.protocol_date.isoformat())

    @classmethod
    def export_missing(cls, listings, destination, date=None):
        """What each listing lacks for the destination, as texts (empty
        when export-ready)"""
        Requirement = Pool().get('lao.export.requirement')
        return Requirement.missing(listings, destination, date=date)
