"""Small helpers shared by the marketplace's workflows."""
from trytond.pyson import Eval


def state_button(states, icon):
    "The definition of a button shown only in states"
    if isinstance(states, str):
        invisible = Eval('state') != states
    else:
        invisible = ~Eval('state').in_(list(states))
    return {
        'invisible': invisible,
        'icon': icon,
        'depends': ['state'],
        }
