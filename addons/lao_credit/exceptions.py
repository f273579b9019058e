from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class CreditError(UserError):
    pass


class ScoringModelError(CreditError):
    pass


class RatingError(ValidationError):
    pass


class SanctionError(CreditError):
    pass


class CreditLimitError(CreditError):
    pass


class ProtectedAmountError(CreditError):
    pass


class AppealError(CreditError):
    pass


class TrainingError(CreditError):
    pass
