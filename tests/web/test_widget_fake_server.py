"""The chat widget in headless Chromium against a fake Rasa socket.io server.

The fake server is the project's real socket.io channel
(``channels.socketio_persistent.PersistentSocketIOInput``, i.e. Rasa's own
``SocketIOInput`` code with ``session_persistence: true``) served by aiohttp in a thread,
with a scripted agent instead of a model: bot messages go through Rasa's
``SocketIOOutput.send_response`` exactly as a trained bot's would (text split on blank
lines, buttons as quick replies, ``json_message={"data": payload}`` as a separate
``bot_uttered``).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

ANSWER_TEXT = (
    "Oui : en CDI intérimaire, vous pouvez suivre une Pro-A vers une certification "
    "de l'annexe de l'accord.\n\n"
    "Pour le métier Magasinier Cariste, voici les premières certifications possibles."
)
ANSWER_BUTTONS = [
    {"title": "Électricien bâtiment", "payload": '/inform{"metier_id": "btp/electricite/electricien-batiment"}'},
    {"title": "Un autre métier", "payload": "/other_metier"},
]
ANSWER_PAYLOAD: dict[str, Any] = {
    "type": "proa_answer",
    "version": 1,
    "verdict": "eligible",
    "topic": "certifications",
    "branch": {"idcc": 2378, "name": "Travail temporaire"},
    "metier": {"id": "logistique-transport/logistique/magasinier-cariste", "label": "Magasinier Cariste"},
    "certifications": [
        {
            "title": "TP Cariste d'entrepôt",
            "rncp": "RNCP34857",
            "level": "niveau 3",
            "url": "https://www.francecompetences.fr/recherche/rncp/34857/",
        },
        {"title": "TP Agent magasinier", "rncp": "RNCP1852", "level": "niveau 3", "url": None},
    ],
    "more": {"remaining": 4},
    "sources": [
        {
            "label": "Accord du 22 janvier 2021 (IDCC 2378), art. 2",
            "url": "https://www.legifrance.gouv.fr/conv_coll/id/KALIARTI000043074847",
        },
        {"label": "Code du travail, art. L. 6324-1", "url": None},
    ],
    "text": ANSWER_TEXT,
    "buttons": ANSWER_BUTTONS,
}

# The realistic answer shared with tests/bot/test_render.py and tests/channels/.
SAMPLE_PAYLOAD_PATH = Path(__file__).resolve().parents[1] / "fixtures/render/answer_eligible.json"

V2_PAYLOAD_PATH = Path(__file__).resolve().parents[1] / "fixtures/render/answer_v2.json"

HOSTILE_TEXT = (
    'Voici du code : <script>window.__pwned = "script"</script> <img src="x" onerror="window.__pwned = \'img\'"> fin.'
)
HOSTILE_PAYLOAD: dict[str, Any] = {
    "type": "proa_answer",
    "verdict": "not_eligible",
    "certifications": [
        {
            "title": '<img src="y" onerror="window.__pwned = \'card\'">Titre',
            "rncp": "RNCP1",
            "level": None,
            "url": "javascript:window.__pwned = 'link'",
        }
    ],
    "sources": [{"label": "<b>gras</b>", "url": "javascript:window.__pwned = 'source'"}],
    "text": "Réponse <em>piégée</em>",
    "buttons": [],
}


class FakeRasa:
    """Rasa's socket.io channel on aiohttp, answering from a script."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []  # (sender_id, text)
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- the scripted bot
    async def on_new_message(self, message: Any) -> None:
        text = message.text or ""
        self.received.append((message.sender_id, text))
        out, to = message.output_channel, message.sender_id
        low = text.lower()
        if "v2" in low:
            from actions.rendering import render_for_channel

            payload = json.loads(V2_PAYLOAD_PATH.read_text(encoding="utf-8"))
            for kwargs in render_for_channel(payload, "socketio"):
                await out.send_response(to, {"custom": kwargs.get("json_message")})
        elif "cariste" in low:
            await out.send_response(
                to, {"text": ANSWER_TEXT, "buttons": ANSWER_BUTTONS, "custom": {"data": ANSWER_PAYLOAD}}
            )
        elif "soudeur" in low:
            # What the project's actions send on socketio: bot.render for channel "socketio",
            # as Rasa turns utter_message(**kwargs) into a bot message.
            from actions.rendering import render_for_channel

            payload = json.loads(SAMPLE_PAYLOAD_PATH.read_text(encoding="utf-8"))
            for kwargs in render_for_channel(payload, "socketio"):
                await out.send_response(
                    to,
                    {
                        "text": kwargs.get("text"),
                        "buttons": kwargs.get("buttons"),
                        "custom": kwargs.get("json_message"),
                    },
                )
        elif "silence" in low:
            return  # a server that takes the message and never answers
        elif low == "voir plus":
            await out.send_text_message(to, "Autres certifications : TP Agent magasinier (RNCP1852).")
        elif text.startswith("/"):
            await out.send_text_message(to, f"Bien noté : {text}")
        elif "script" in low:
            await out.send_text_message(to, HOSTILE_TEXT)
            await out.send_custom_json(to, {"data": HOSTILE_PAYLOAD})
        elif "bonjour" in low:
            await out.send_response(
                to,
                {
                    "text": "Bonjour ! Sur quoi porte votre question ?",
                    "buttons": [
                        {"title": "La Pro-A", "payload": "/ask_proa"},
                        {"title": "La période de reconversion", "payload": "/ask_reconversion"},
                    ],
                },
            )
        else:
            await out.send_text_message(to, "Je n'ai pas compris, pouvez-vous reformuler ?")

    # -- server life cycle
    def start(self) -> FakeRasa:
        import rasa.core.channels.socketio as rasa_socketio
        import socketio

        from channels.socketio_persistent import PersistentSocketIOInput

        def aiohttp_server(**kwargs: Any) -> Any:
            return socketio.AsyncServer(**{**kwargs, "async_mode": "aiohttp"})

        channel = PersistentSocketIOInput(session_persistence=True)
        with mock.patch.object(rasa_socketio, "AsyncServer", aiohttp_server):
            channel.blueprint(self.on_new_message)
        self.sio = channel.sio
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            loop.run_until_complete(self._serve())
            ready.set()
            loop.run_forever()
            if self._runner is not None:
                loop.run_until_complete(self._runner.cleanup())
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-rasa", daemon=True)
        self._thread.start()
        assert ready.wait(10), "fake Rasa server did not start"
        return self

    async def _serve(self) -> None:
        """Listens on ``self.port`` (a free one the first time)."""
        from aiohttp import web

        app = web.Application()
        self.sio.attach(app)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self.port = self._runner.addresses[0][1]

    def _call(self, coro: Any) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    def go_down(self) -> None:
        """Like a Rasa restart: connections are cut and the port refuses new ones."""
        if self._runner is not None:
            self._call(self._runner.cleanup())
            self._runner = None

    def go_up(self) -> None:
        if self._runner is None:
            self._call(self._serve())

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)


@pytest.fixture(scope="module")
def fake_rasa() -> Any:
    server = FakeRasa().start()
    yield server
    server.stop()


@pytest.fixture
def chat(fake_rasa: FakeRasa, serve_widget: Any, chat_page_factory: Any) -> Any:
    fake_rasa.go_up()
    return chat_page_factory(serve_widget(fake_rasa.url)).open()


def texts(elements: list[Any]) -> list[str]:
    return [e.text for e in elements]


def test_structured_answer_card(chat: Any, fake_rasa: FakeRasa, output_dir: Path) -> None:
    started = time.monotonic()
    before = chat.ask("je suis cariste en CDI intérimaire, puis-je viser un BTS ?")
    assert chat.user_texts() == ["je suis cariste en CDI intérimaire, puis-je viser un BTS ?"]

    answer = chat.wait_bot(before)
    elapsed = time.monotonic() - started
    chat.wait_idle()
    # Rasa sent the text (2 parts), then the payload: the widget shows one card only.
    bots = chat.bot_messages()
    assert len(bots) == 1, texts(bots)
    assert "msg--answer" in answer.get_attribute("class")
    assert "vous pouvez suivre une Pro-A" in answer.text
    assert answer.text.count("vous pouvez suivre une Pro-A") == 1
    assert "Magasinier Cariste" in answer.text
    assert chat.find(".msg--answer .verdict").text.endswith("Éligible")

    cards = chat.find_all(".msg--answer .cert-card")
    assert len(cards) == 2
    assert "TP Cariste d'entrepôt" in cards[0].text
    rncp_link = cards[0].find_element("css selector", "a.cert-card__rncp")
    assert "RNCP34857" in rncp_link.text
    assert rncp_link.get_attribute("href") == "https://www.francecompetences.fr/recherche/rncp/34857/"
    assert rncp_link.get_attribute("rel") == "noopener noreferrer"
    assert "Niveau 3" in cards[0].text
    # no url: the code is plain text
    assert cards[1].find_elements("css selector", "a") == []
    assert "RNCP1852" in cards[1].text

    open_details(chat.find(".msg--answer"))
    source_links = chat.find_all(".msg--answer .sources a")
    assert [a.get_attribute("href") for a in source_links] == [
        "https://www.legifrance.gouv.fr/conv_coll/id/KALIARTI000043074847"
    ]
    assert "Code du travail, art. L. 6324-1" in chat.find(".msg--answer .sources").text

    choices = chat.find_all(".msg--answer .choice")
    assert texts(choices) == ["Voir plus (4 autres)", "Électricien bâtiment", "Un autre métier"]
    chat.screenshot(output_dir / "widget.png")

    # A quick reply: its title is shown as the user's message, its payload is sent.
    before = len(chat.bot_messages())
    choices[1].click()
    reply = chat.wait_bot(before)
    assert chat.user_texts()[-1] == "Électricien bâtiment"
    assert fake_rasa.received[-1][1] == ANSWER_BUTTONS[0]["payload"]
    assert "Bien noté" in reply.text
    assert all(not b.is_enabled() for b in chat.find_all(".msg--answer .choice"))

    print(f"\nfirst answer shown {elapsed:.2f}s after Enter")


def test_project_socketio_rendering(chat: Any) -> None:
    """The answer as bot.render sends it on socketio (payload only, no separate text)."""
    payload = json.loads(SAMPLE_PAYLOAD_PATH.read_text(encoding="utf-8"))
    before = chat.ask("je suis soudeur en CDI intérimaire")
    answer = chat.wait_bot(before)
    chat.wait_idle()
    assert len(chat.bot_messages()) == before + 1
    assert payload["text"] in answer.text.replace("\n", " ")
    cards = answer.find_elements("css selector", ".cert-card")
    codes = [chat.seen_text(c.find_element("css selector", ".cert-card__rncp")) for c in cards]
    assert codes == ["RNCP9467", "RNCP34502", "RNCP19460"]
    assert "Sans niveau" in cards[2].text
    assert cards[2].find_elements("css selector", "a") == []
    assert [a.get_attribute("href") for a in answer.find_elements("css selector", ".sources a")] == [
        payload["sources"][0]["url"]
    ]
    assert texts(answer.find_elements("css selector", ".choice")) == [
        "Voir plus (4 autres)",
        "Opérateur de production",
        "Durée de la formation",
    ]


def test_voir_plus_and_quick_replies(chat: Any, fake_rasa: FakeRasa) -> None:
    before = chat.ask("je suis cariste")
    chat.wait_bot(before)
    chat.wait_idle()
    before = len(chat.bot_messages())
    chat.find(".msg--answer .choice--more").click()
    chat.wait_bot(before)
    assert fake_rasa.received[-1][1] == "voir plus"
    assert chat.user_texts()[-1] == "Voir plus"
    assert "Autres certifications" in chat.bot_messages()[-1].text

    # Rasa buttons arrive as quick_replies on the text message.
    before = chat.ask("bonjour")
    greeting = chat.wait_bot(before)
    chat.wait_idle()
    choices = greeting.find_elements("css selector", ".choice")
    assert texts(choices) == ["La Pro-A", "La période de reconversion"]
    before = len(chat.bot_messages())
    choices[1].click()
    chat.wait_bot(before)
    assert chat.user_texts()[-1] == "La période de reconversion"
    assert fake_rasa.received[-1][1] == "/ask_reconversion"


def open_details(answer: Any) -> None:
    """Opens the answer's « Détails et sources » (a click, as a person does)."""
    for summary in answer.find_elements("css selector", "details.answer__details > summary"):
        summary.click()


def test_markup_in_messages_is_shown_as_text(chat: Any) -> None:
    before = chat.ask("montre-moi un script")
    chat.wait(lambda: len(chat.bot_messages()) >= before + 2, 10, "two bot messages")
    chat.wait_idle()
    plain, card = chat.bot_messages()[-2:]
    open_details(card)
    assert '<script>window.__pwned = "script"</script>' in plain.text
    assert "<img" in plain.text
    assert "onerror=\"window.__pwned = 'card'\">Titre" in card.text
    assert "<b>gras</b>" in card.text and "Réponse <em>piégée</em>" in card.text
    # Nothing ran, no element was made from the messages, no javascript: link exists.
    assert chat.driver.execute_script("return window.__pwned === undefined")
    assert chat.find_all("#messages script, #messages img, #messages em, #messages b") == []
    for link in chat.find_all("#messages a"):
        assert link.get_attribute("href").startswith(("http://", "https://"))


def test_reload_keeps_session_and_history(chat: Any, fake_rasa: FakeRasa) -> None:
    before = chat.ask("bonjour")
    chat.wait_bot(before)
    chat.wait_idle()
    first_sender = fake_rasa.received[-1][0]
    session_id = chat.driver.execute_script("return localStorage.getItem('proa.sessionId')")
    # The server issues "<conversation id>-<signature>" (channels/session_ids.py).
    assert session_id.split("-")[0] == first_sender

    chat.reload()
    # The conversation is shown again, and goes on in the same Rasa session.
    assert chat.user_texts() == ["bonjour"]
    assert "Sur quoi porte votre question" in chat.bot_messages()[-1].text
    before = chat.ask("je suis cariste")
    chat.wait_bot(before)
    assert fake_rasa.received[-1][0] == first_sender

    # "Nouvelle conversation" asks first: « Annuler » keeps everything…
    chat.find("#new-conversation").click()
    assert chat.find("#confirm-new").is_displayed()
    chat.find("#confirm-new-no").click()
    assert not chat.find("#confirm-new").is_displayed() and chat.user_messages()
    # …« Effacer » starts a new session.
    chat.find("#new-conversation").click()
    chat.find("#confirm-new-yes").click()
    chat.wait_status("online")
    assert chat.user_messages() == []
    before = chat.ask("bonjour")
    chat.wait_bot(before)
    assert fake_rasa.received[-1][0] != first_sender


def test_connection_lost_status(chat: Any, fake_rasa: FakeRasa) -> None:
    assert chat.status_text() == "Connecté"
    fake_rasa.go_down()
    chat.wait_status("lost", timeout=10)
    assert chat.status_text() == "Connexion perdue, reconnexion…"
    fake_rasa.go_up()
    chat.wait_status("online", timeout=20)
    before = chat.ask("bonjour")
    chat.wait_bot(before)  # the socket joined its session's room again


def test_keyboard_only_and_labels(chat: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    log = chat.find("#messages")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    field = chat.find("#message-input")
    assert chat.find("label[for='message-input']").text == "Votre question"
    assert chat.find("#send-button").text == "Envoyer"

    # Tab order from the top: skip link, new conversation, message log, the welcome's
    # five suggestions, input, send.
    chat.driver.execute_script("document.activeElement && document.activeElement.blur()")
    order = []
    for _ in range(10):
        ActionChains(chat.driver).send_keys(Keys.TAB).perform()
        active = chat.driver.switch_to.active_element
        order.append(active.get_attribute("id") or active.get_attribute("class"))
    assert order == ["skip-link", "new-conversation", "messages"] + ["choice"] * 5 + ["message-input", "send-button"]
    # The skip link leads to the input.
    chat.driver.execute_script("document.querySelector('.skip-link').focus()")
    ActionChains(chat.driver).send_keys(Keys.ENTER).perform()
    assert chat.driver.switch_to.active_element.get_attribute("id") == "message-input"
    # Focus is visible (outline from :focus-visible).
    outline = chat.driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    before = len(chat.bot_messages())
    ActionChains(chat.driver).send_keys("bonjour", Keys.ENTER).perform()
    greeting = chat.wait_bot(before)
    chat.wait_idle()
    assert field.get_attribute("value") == ""
    # Tab then Shift+Tab moves between the quick replies; Enter activates one.
    first_choice = greeting.find_elements("css selector", ".choice")[0]
    chat.driver.execute_script("arguments[0].focus()", first_choice)
    before = len(chat.bot_messages())
    ActionChains(chat.driver).send_keys(Keys.ENTER).perform()
    chat.wait_bot(before)
    assert chat.user_texts()[-1] == "La Pro-A"


def test_phone_screen(chat: Any, output_dir: Path) -> None:
    chat.set_phone_viewport()
    chat.reload()
    before = chat.ask("je suis cariste en CDI intérimaire, puis-je viser un BTS ?")
    chat.wait_bot(before)
    chat.wait_idle()
    width = chat.driver.execute_script("return window.innerWidth")
    scroll_width = chat.driver.execute_script("return document.documentElement.scrollWidth")
    assert width == 360
    assert scroll_width <= width, "the page scrolls sideways on a phone"
    # The input and the send button stay on screen.
    for css in ("#message-input", "#send-button"):
        rect = chat.driver.execute_script(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
            "return [r.left, r.right, r.top, r.bottom]",
            css,
        )
        assert rect[0] >= 0 and rect[1] <= 360 and rect[3] <= 640, (css, rect)
    chat.screenshot(output_dir / "widget-mobile.png")


def test_message_typed_while_offline_is_marked_and_sent_on_reconnection(chat: Any, fake_rasa: FakeRasa) -> None:
    fake_rasa.go_down()
    chat.wait_status("lost", timeout=10)
    chat.ask("bonjour")
    note = chat.wait(lambda: chat.find_all(".msg--user .msg__unsent"), 10, "the not-sent note")[0]
    assert note.text.startswith("Message non envoyé — il partira au retour de la connexion.")
    count = len(fake_rasa.received)

    fake_rasa.go_up()
    chat.wait_status("online", timeout=20)
    chat.wait(lambda: not chat.find_all(".msg--user .msg__unsent"), 20, "the note to go")
    chat.wait(lambda: len(fake_rasa.received) > count, 20, "the message to reach the server")
    assert fake_rasa.received[-1][1] == "bonjour"
    assert "Sur quoi porte votre question" in chat.wait_bot(0).text


def test_a_message_without_answer_is_marked_not_sent_and_can_be_sent_again(
    fake_rasa: FakeRasa, serve_widget: Any, chat_page_factory: Any
) -> None:
    fake_rasa.go_up()
    page = chat_page_factory(serve_widget(fake_rasa.url))
    # A short answer timeout for the test (config.js sets PROA_CONFIG; this adds to it).
    page.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "Object.defineProperty(window, 'PROA_CONFIG', {configurable: true,"
            " set(v) { this.__proaConfig = Object.assign({}, v, {answerTimeoutMs: 1500}); },"
            " get() { return this.__proaConfig; }});"
        },
    )
    chat = page.open()
    chat.ask("silence, s'il vous plaît")
    assert chat.find("#typing").is_displayed()
    note = chat.wait(lambda: chat.find_all(".msg--user .msg__unsent"), 20, "the not-sent note")[0]
    assert "Message non envoyé" in note.text
    assert not chat.find("#typing").is_displayed()
    sent = [t for _, t in fake_rasa.received].count("silence, s'il vous plaît")

    chat.find(".msg--user .msg__retry").click()
    chat.wait(
        lambda: [t for _, t in fake_rasa.received].count("silence, s'il vous plaît") == sent + 1,
        10,
        "the message sent again",
    )


def test_welcome_bubble_offers_the_main_topics(chat: Any, fake_rasa: FakeRasa) -> None:
    choices = chat.find_all(".msg--intro .choice")
    assert texts(choices) == ["Durée", "Financement", "Rémunération", "Mes certifications", "Période de reconversion"]
    before = len(chat.bot_messages())
    choices[0].click()
    chat.wait_bot(before)
    assert chat.user_texts()[-1] == "Durée"
    assert fake_rasa.received[-1][1] == '/faq{"faq_topic": "duration"}'


def test_v2_answer_shows_the_verdict_line_first(chat: Any) -> None:
    payload = json.loads(V2_PAYLOAD_PATH.read_text(encoding="utf-8"))
    before = chat.ask("réponse v2")
    answer = chat.wait_bot(before)
    chat.wait_idle()
    first = answer.find_elements("css selector", ":scope > :not(.sr-only)")[0]
    assert "answer__verdict" in first.get_attribute("class")
    assert first.text == payload["verdict_line"]
    headings = [h.text for h in answer.find_elements("css selector", ".answer__part .answer__heading")]
    assert headings == ["Période de reconversion (depuis 2026)"]
    assert answer.find_element("css selector", ".answer__figure").text == payload["parts"][0]["figure"]
    assert (
        answer.find_element("css selector", ".answer__section").text == "BTS prévus pour d'autres métiers de la liste"
    )
    cards = answer.find_elements("css selector", ".cert-card")
    assert cards[0].find_element("css selector", ".cert-card__metier").text.replace("\u00a0", " ") == (
        "Prévu pour « Responsable d'exploitation de transport de marchandise »"
    )
    # What is not the answer itself is folded under « Détails et sources », closed.
    details = answer.find_element("css selector", "details.answer__details")
    assert details.get_attribute("open") is None
    open_details(answer)
    assert "Ce titre figure 2 fois" in cards[1].find_element("css selector", ".cert-card__note").text
    assert (
        "Rappel : depuis le 1er janvier 2026" in answer.find_element("css selector", ".answer__change--recalled").text
    )
    assert texts(answer.find_elements("css selector", ".choice")) == [
        "Voir plus (1 autre)",
        "Durée",
        "Financement",
        "En savoir plus",
    ]
    sources = answer.find_element("css selector", ".sources").text
    assert sources.count("vérifié le") == 1 and "(vérifié le 20/11/2026)" in sources
