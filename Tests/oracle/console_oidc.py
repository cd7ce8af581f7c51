"""Sign-in to the console through a real OpenID Connect provider (oidc-provider-mock), in headless Chromium.

Run by ConsoleBrowserTests against `koppeling serve` set up with the provider:

    console_oidc.py --base URL --provider URL --screenshots DIR

The provider knows an.peeters (role claim KBI_DPO, which the server maps to dpo) and zonder.rol
(a value the map does not name). Prints one line per scenario; exits 1 on the first failure.
"""

import argparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from console_browser import Console, check, run


def sign_in_through_provider(console, provider, subject):
    console.open("/console/aanmelden")
    console.click(console.driver.find_element(By.LINK_TEXT, "Aanmelden via uw organisatie"))
    check(console.driver.current_url.startswith(provider), f"the browser is at the provider: {console.driver.current_url}")
    console.shot("provider")
    console.click(console.driver.find_element(By.CSS_SELECTOR, f"button[name=sub][value='{subject}']"))
    # Back at the console, a page of its own moves on to the start page.
    WebDriverWait(console.driver, 10).until(
        lambda driver: driver.current_url.startswith(console.base) and driver.find_elements(By.TAG_NAME, "h1")
        and driver.find_element(By.TAG_NAME, "h1").text not in ("Aangemeld", ""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--provider", required=True)
    parser.add_argument("--screenshots", required=True)
    arguments = parser.parse_args()
    base = arguments.base.rstrip("/")
    provider = arguments.provider.rstrip("/")
    browsers = []
    def scenarios():
        console = Console(base, arguments.screenshots, "oidc-an.peeters")
        browsers.append(console)
        sign_in_through_provider(console, provider, "an.peeters")
        check(console.heading() == "Startpagina", f"signed in through the provider: {console.heading()!r}: {console.text()[:300]!r}")
        check("Aangemeld als oidc.an.peeters" in console.text(), f"as the provider's user: {console.text()[:200]!r}")
        check(console.menu() == ["Persoon opzoeken", "Protocollen", "Audit"], f"with the role its claim maps to (dpo): {console.menu()}")
        check("Functionaris voor gegevensbescherming" in console.text(), "the start page names the role")
        console.visit("start")
        print("ok: a user signs in through the OpenID Connect provider and gets the role its claim maps to", flush=True)

        # The return address alone, without the sign-in begun here, signs no one in.
        console.open("/console/oidc/terug?code=made-up&state=made-up")
        check("niet gelukt" in console.text(), f"a made-up return is refused: {console.text()[:300]!r}")
        print("ok: a return from the provider without the sign-in begun here is refused", flush=True)

        other = Console(base, arguments.screenshots, "oidc-zonder.rol")
        browsers.append(other)
        sign_in_through_provider(other, provider, "zonder.rol")
        check("geen rol voor Koppeling" in other.text(), f"a user without a mapped role is refused: {other.text()[:300]!r}")
        other.visit("geen-rol")
        other.open("/console")
        check(other.heading() == "Aanmelden", "and has no session")
        print("ok: a provider user whose claim maps to no role is refused, with what to do", flush=True)

    run(browsers, scenarios)


if __name__ == "__main__":
    main()
