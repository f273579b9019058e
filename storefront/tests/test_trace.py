"""The GS1 Digital Link resolver: the page a QR code on a bag opens."""
import json
import os

import jsonschema
import pytest

from .conftest import FARMER, trace_path


def test_trace_page_english(client, chains):
    response = client.get(trace_path(*chains['coffee']),
        headers={'Accept-Language': 'en'})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Roasted coffee, Bolaven arabica" in page
    assert "Paksong" in page and "Champasak" in page
    assert "Processing" in page and "Quality" in page and "Journey" in page
    assert "Recalled" not in page
    # Privacy: no farmer's name, no GPS point, no buyer
    assert FARMER not in page
    assert "15.1817" not in page and "106.2253" not in page
    assert "Cafe Sinouk" not in page


@pytest.mark.parametrize('language, words', [
        ('lo', ["ແຫຼ່ງກຳເນີດ", "ຈຳປາສັກ"]),
        ('zh-CN', ["产地", "占巴塞省"]),
        ])
def test_trace_page_translated(client, chains, language, words):
    response = client.get(trace_path(*chains['coffee']),
        headers={'Accept-Language': language})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for word in words:
        assert word in page


def test_trace_page_recall_notice(client, chains):
    response = client.get(trace_path(*chains['banana']))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "Recalled" in page


def test_trace_epcis_json_ld(client, chains):
    "The same URL gives the lot's EPCIS document to a JSON-LD client"
    from trytond.modules import lao_trace
    response = client.get(trace_path(*chains['coffee']),
        headers={'Accept': 'application/ld+json'})
    assert response.status_code == 200
    assert response.content_type == 'application/ld+json'
    document = json.loads(response.get_data())
    schema_path = os.path.join(
        os.path.dirname(lao_trace.__file__), 'tests',
        'EPCIS-JSON-Schema.json')
    with open(schema_path) as fp:
        schema = json.load(fp)
    jsonschema.validate(document, schema)
    events = document['epcisBody']['eventList']
    assert {e['type'] for e in events} >= {
        'ObjectEvent', 'TransformationEvent'}
    assert FARMER not in response.get_data(as_text=True)


@pytest.mark.parametrize('path', [
        '/01/08850123000017/10/NO-SUCH-LOT',
        '/01/not-a-gtin/10/RST-01',
        '/01/088501230000170000/10/RST-01',
        ])
def test_trace_unknown_lot(client, chains, path):
    response = client.get(path, headers={'Accept-Language': 'en'})
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)
