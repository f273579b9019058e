from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class GS1Error(ValidationError):
    pass


class PlotError(ValidationError):
    pass


class HarvestError(UserError):
    pass


class GenealogyCycleError(ValidationError):
    pass


class LotBlockedError(UserError):
    pass


class RecallError(UserError):
    pass
