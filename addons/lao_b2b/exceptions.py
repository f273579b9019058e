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


class VendorBlacklistedError(UserError):
    pass


class InvitationError(UserError):
    pass


# Marketplace


class ListingError(UserError):
    pass


class ListingValidationError(ValidationError):
    pass


class MarketplaceOrderError(UserError):
    pass


class QuotationRequestError(UserError):
    pass


class CommissionError(UserError):
    pass


# Web shop


class WebAccessError(UserError):
    "The web user asked for a record that is not theirs"


class WebUserError(UserError):
    pass


class WebUploadError(ValidationError):
    pass
