"""Pure computations on price series, without a database.

Each function takes plain numbers (floats or Decimals converted by the
caller) and returns plain numbers, so that the models only fetch and store
and the statistics are tested on their own.

References: FAO's Indicator of Price Anomalies (Baquedano 2015, SDG 2.c.1)
and WFP's Alert for Price Spikes (technical guidance note, 2014), see
doc/design.rst.
"""
import math
from collections import namedtuple

# MAD of a normal distribution is 0.6745 of its standard deviation
MAD_SCALE = 1.4826


def median(values):
    values = sorted(values)
    n = len(values)
    if not n:
        return None
    middle = n // 2
    if n % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def robust_z(value, sample):
    """The distance of value from the median of sample in scaled median
    absolute deviations, or None when the sample has no spread"""
    centre = median(sample)
    if centre is None:
        return None
    mad = median([abs(x - centre) for x in sample]) * MAD_SCALE
    if not mad:
        return None
    return (value - centre) / mad


def month_add(year, month, months):
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


Anomaly = namedtuple('Anomaly', ['value', 'band', 'z_quarter', 'z_annual'])

def ipa_band(value):
    "FAO's band of an IPA value"
    if value >= 1:
        return 'high'
    if value >= 0.5:
        return 'moderate'
    if value > -0.5:
        return 'normal'
    if value > -1:
        return 'moderately_low'
    return 'low'


def _growth(series, year, month, lag):
    current = series.get((year, month))
    previous = series.get(month_add(year, month, -lag))
    if not current or not previous:
        return None
    return (current / previous) ** (1 / lag) - 1


def _weighted_z(value, history, weights=None):
    "Standardise value against history with FAO's weighted mean and sd"
    n = len(history)
    if weights is None:
        weights = [1.0] * n
    total = sum(weights)
    mean = sum(w * x for w, x in zip(weights, history)) / total
    variance = sum(w * (x - mean) ** 2 for w, x in zip(weights, history)) / (
        total * (n - 1) / n)
    if variance <= 0:
        return None
    return (value - mean) / math.sqrt(variance)


def ipa(series, year, month, gamma=0.4, min_years=5):
    """FAO's Indicator of Price Anomalies of the month (year, month)

    series maps (year, month) to the monthly price.  The compound quarterly
    and annual growth rates of the month are standardised against the same
    calendar month of earlier years and combined with gamma.  Returns None
    when fewer than min_years earlier same-month growth rates exist: the
    series is too short to say."""
    cqgr = _growth(series, year, month, 3)
    cagr = _growth(series, year, month, 12)
    if cqgr is None or cagr is None:
        return None
    quarters, annuals = [], []
    for earlier in sorted({y for y, m in series if y < year}):
        q = _growth(series, earlier, month, 3)
        a = _growth(series, earlier, month, 12)
        if q is not None and a is not None:
            quarters.append(q)
            annuals.append(a)
    if len(quarters) < max(min_years, 2):
        return None
    z_q = _weighted_z(cqgr, quarters)
    z_a = _weighted_z(cagr, annuals)
    if z_q is None or z_a is None:
        return None
    value = gamma * z_q + (1 - gamma) * z_a
    return Anomaly(value, ipa_band(value), z_q, z_a)


def alps_band(value):
    "WFP's ALPS band: normal < 0.25 <= stress < 1 <= alert < 2 <= crisis"
    if value >= 2:
        return 'crisis'
    if value >= 1:
        return 'alert'
    if value >= 0.25:
        return 'stress'
    return 'normal'


Spike = namedtuple('Spike', ['value', 'band', 'trend'])


def _solve(matrix, vector):
    "Solve the linear system by Gaussian elimination with partial pivoting"
    n = len(vector)
    rows = [list(r) + [v] for r, v in zip(matrix, vector)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        if abs(rows[pivot][col]) < 1e-12:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                if factor:
                    rows[r] = [a - factor * b
                        for a, b in zip(rows[r], rows[col])]
    return [rows[i][n] / rows[i][i] for i in range(n)]


def alps(series, year, month, min_months=None):
    """WFP's Alert for Price Spikes of the month (year, month)

    Fits P_t = a + b*t + sum(d_m * D_m) by least squares on the months up to
    (year, month) and returns how many residual standard deviations the
    month's price lies above its seasonal trend.  None when the series has
    no more observations than parameters (too short)."""
    points = sorted((k, v) for k, v in series.items()
        if k <= (year, month) and v)
    if (year, month) not in dict(points):
        return None
    months = sorted({m for (_, m), _ in points})
    dummies = months[1:]
    parameters = 2 + len(dummies)
    if min_months is None:
        min_months = parameters + 2
    if len(points) < max(min_months, parameters + 2):
        return None
    origin = points[0][0]

    def regressors(key):
        t = (key[0] - origin[0]) * 12 + key[1] - origin[1]
        return [1.0, float(t)] + [1.0 if key[1] == m else 0.0
            for m in dummies]

    xs = [regressors(k) for k, _ in points]
    ys = [float(v) for _, v in points]
    xtx = [[sum(x[i] * x[j] for x in xs) for j in range(parameters)]
        for i in range(parameters)]
    xty = [sum(x[i] * y for x, y in zip(xs, ys)) for i in range(parameters)]
    beta = _solve(xtx, xty)
    if beta is None:
        return None
    fitted = [sum(b * x for b, x in zip(beta, row)) for row in xs]
    residuals = [y - f for y, f in zip(ys, fitted)]
    sigma = math.sqrt(
        sum(r * r for r in residuals) / (len(points) - parameters))
    if not sigma:
        return None
    trend = fitted[-1]
    value = (ys[-1] - trend) / sigma
    return Spike(value, alps_band(value), trend)


def laspeyres(weights, base_prices, prices):
    """Fixed-base index 100 * sum(w_i * p_i / p_i0) over weights summing to
    one, or None when a commodity of the basket has no price"""
    total = sum(weights.values())
    if not total:
        return None
    value = 0
    for key, weight in weights.items():
        if not prices.get(key) or not base_prices.get(key):
            return None
        value += weight / total * prices[key] / base_prices[key]
    return 100 * value


def change(current, previous):
    "Relative change from previous to current, or None"
    if current is None or not previous:
        return None
    return current / previous - 1
