"""The error pages: one template, the model's message for a refusal, a
JSON answer to a client that asks for JSON, and no stack trace."""
from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from trytond import backend
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: _l("The request was not valid."),
    403: _l("You are not allowed to see this page."),
    404: _l("This page does not exist, or it is not yours."),
    405: _l("This page cannot be used that way."),
    413: _l("The file is too large."),
    429: _l("Too many attempts. Wait a moment and try again."),
    500: _l("Something went wrong on our side. Try again later."),
    503: _l("The service is not available right now. Try again later."),
    }
BUSY_MESSAGE = _l(
    "Many people are ordering the same goods right now. "
    "Wait a moment and send it again.")
# Seconds a client is asked to wait before trying a busy request again
BUSY_RETRY_AFTER = 2
CSRF_MESSAGE = _l(
    "The form has expired or was not sent from this site. "
    "Reload the page and try again.")


def error_page(code, message=None):
    "The response of an error with its status code"
    message = (message or MESSAGES.get(code)
        or MESSAGES[400 if code < 500 else 500])
    if request.accept_mimetypes.best == 'application/json':
        return jsonify(status='error', message=str(message)), code
    return render_template(
        'errors/error.html', code=code, message=message), code


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_page(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error):
        code = error.code or 500
        message = None
        # flask-tryton turns a Tryton UserError into a BadRequest whose
        # description is the translated message of the model
        if code == 400 and error.description != type(error).description:
            message = error.description
        return error_page(code, message)

    @app.errorhandler(backend.DatabaseOperationalError)
    def database_busy(error):
        # flask-tryton has already retried the transaction database.retry
        # times: the rows it needs (a listing's stock under concurrent
        # checkouts) stay locked by other requests
        app.logger.warning("Database busy on %s: %s", request.path, error)
        response, code = error_page(503, BUSY_MESSAGE)
        response = app.make_response((response, code))
        response.headers['Retry-After'] = str(BUSY_RETRY_AFTER)
        return response

    @app.errorhandler(Exception)
    def internal_error(error):
        app.logger.exception("Unhandled error on %s", request.path)
        return error_page(500)
