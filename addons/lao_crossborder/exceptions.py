from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class RequirementValidationError(ValidationError):
    pass


class RegistrationValidationError(ValidationError):
    pass


class CrossBorderOrderError(UserError):
    pass


class DeclarationError(UserError):
    pass


class DutyRateValidationError(ValidationError):
    pass


class DutyEstimateError(UserError):
    pass


class RailEventError(UserError):
    pass
