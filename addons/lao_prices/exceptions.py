# This file is part of the Lao rural e-commerce platform.  Its classes are
# registered in tryton.cfg.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class NormalisationError(ValidationError):
    pass


class ObservationError(ValidationError):
    pass


class ReviewError(UserError):
    pass


class PriceIndexError(ValidationError):
    pass


class PriceQueryError(UserError):
    "A query of the price API with a bad parameter"


class HDXImportError(UserError):
    pass
