"""The public verification page of training certificates."""
import re

import pytest


@pytest.fixture(scope='module')
def certificate(database):
    """A passed enrolment of a done session in Champasak, the course titled
    in Lao and Chinese too: its certificate code"""
    from trytond.modules.lao_b2b.tests import create_buyer
    from trytond.modules.lao_credit.tests import (
        create_course, create_session, enrol)

    from .conftest import Tryton

    def build(pool):
        Session = pool.get('lao.training.session')
        course = create_course("Post-harvest handling of coffee",
            translations={'lo': "ການຈັດການກາເຟຫຼັງເກັບກ່ຽວ",
                'zh_CN': "咖啡采后处理"})
        session = create_session(course, 'CH')
        passed, failed = enrol(session, [
                (create_buyer("Bolaven Growers Group"), True, 88),
                (create_buyer("Late Learner"), True, 20)])
        Session.done([session])
        return passed.certificate_code
    return Tryton(database).run(build)


def test_verify_certificate(client, certificate):
    "The code typed or followed shows the certificate, translated"
    response = client.get('/training/verify', headers={'Accept-Language': 'en'})
    assert response.status_code == 200
    assert 'name="code"' in response.get_data(as_text=True)

    typed = certificate.lower().replace('-', '')
    response = client.get('/training/verify', query_string={'code': typed},
        headers={'Accept-Language': 'en'})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in ["This certificate is valid.", "Bolaven Growers Group",
            "Post-harvest handling of coffee", "Champasak",
            "score of 88 out of 100", certificate]:
        assert text in page
    assert "Late Learner" not in page

    response = client.get(f'/training/verify/{certificate}',
        headers={'Accept-Language': 'lo'})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "ການຈັດການກາເຟຫຼັງເກັບກ່ຽວ" in page and "ຈຳປາສັກ" in page
    response = client.get(f'/training/verify/{certificate}',
        headers={'Accept-Language': 'zh-CN'})
    assert "咖啡采后处理" in response.get_data(as_text=True)


@pytest.mark.parametrize('code', [
        '2345-6789-ABCD-EFGH', 'not a code', 'x' * 5000, "<script>"],
    ids=['unknown', 'malformed', 'huge', 'markup'])
def test_verify_unknown_code(client, certificate, code):
    "An unknown, malformed or huge code is a 404 saying so, never a 500"
    response = client.get('/training/verify', query_string={'code': code},
        headers={'Accept-Language': 'en'})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "No certificate has the code" in page
    assert "Traceback" not in page and "<script>" not in page
    # what the page repeats of the input is bounded
    typed = re.search(r'name="code" value="([^"]*)"', page).group(1)
    assert len(typed) <= 40
