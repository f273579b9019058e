from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class ApplicationError(UserError):
    pass


class DocumentError(ValidationError):
    pass


class DecisionLogAccessError(AccessError):
    pass


class VendorSuspendedError(UserError):
    pass


class InvitationError(UserError):
    pass
