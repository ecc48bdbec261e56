"""Language of the pages: ?lang=fr|en, then a cookie, then the browser's Accept-Language; French by default."""
from __future__ import annotations

from flask import Flask, g, request

LANGS = ("fr", "en")


def pick_language() -> str:
    q = request.args.get("lang")
    if q in LANGS:
        return q
    c = request.cookies.get("lang")
    if c in LANGS:
        return c
    best = request.accept_languages.best_match(LANGS)
    return best or "fr"


def register(app: Flask) -> None:
    @app.before_request
    def _lang():
        g.lang = pick_language()

    @app.after_request
    def _remember(resp):
        q = request.args.get("lang")
        if q in LANGS:
            resp.set_cookie("lang", q, max_age=365 * 24 * 3600, samesite="Lax")
        resp.headers.add("Vary", "Accept-Language")
        return resp

    @app.context_processor
    def _helpers():
        def t(fr: str, en: str) -> str:
            return en if g.get("lang") == "en" else fr

        def other_lang_url() -> str:
            args = request.args.to_dict(flat=False)
            args["lang"] = ["en" if g.get("lang") != "en" else "fr"]
            from urllib.parse import urlencode

            return request.path + "?" + urlencode(args, doseq=True)

        return {"t": t, "lang": g.get("lang", "fr"), "other_lang_url": other_lang_url}
