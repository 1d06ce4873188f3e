"""The knowledge base the help desk starts with: short answers, in our own words, to the
questions the program's guides answer. The migrations that ship them (0008b, and 0011g for
the vaccine recipients' questions) add each one once; agents edit or unpublish them like any
article."""

from datetime import UTC, datetime

import sqlalchemy as sa

Article = tuple[str, str | None, str]  # title, category, body

# 0008b's: the providers' questions the help desk started with
STARTING: list[Article] = [
    ("Registering for the help desk", "access",
     "Providers register at Help desk registration with their first and last name, business "
     "email address and a registration code. The code is your Provider PIN: NCA followed by "
     "six digits (for example NCA650001). If you do not have one, use the code VAC2021.\n\n"
     "We email you a username and a temporary password. Log in with them and choose your own "
     "password straight away; then you can open cases and follow them."),
    ("Asking a question without an account", "recipient_question",
     "Vaccine recipients do not need an account: use Ask a question, give your name and an "
     "email address or a phone number, and describe your question. We answer by email, or "
     "call you back if you gave only a phone number."),
    ("How the help desk answers you", "other",
     "Every case has a number (CS followed by seven digits). We email you when the case is "
     "received, when an agent replies, when we need information from you and when it is "
     "resolved; each email links to the case, where the whole conversation is kept.\n\n"
     "If we ask you for information, reply on the case page. Without an answer we remind you "
     "after two days and again the day before we close the case, after five. A resolved case can be reopened for seven "
     "days by adding a comment; after that, open a new case (it will be linked to the old "
     "one)."),
    ("Help desk hours and phone number", "other",
     "Call the CVMS Help Desk at (877) 873-6247. We answer Monday to Friday from 7 AM to 7 PM "
     "and Saturday from 8 AM to 4 PM, Eastern time, except on North Carolina state holidays. "
     "Cases opened on the portal are worked in the same hours, and our response times count "
     "only those hours."),
    ("Transfers and redistributions: what is the difference?", "inventory",
     "A transfer is an unplanned move of vaccine between any two enrolled sites, for example "
     "from a site with spare doses to one that has none. A redistribution is a planned move "
     "between two sites of the same organization, allowed only once the organization's CEO and "
     "CMO have signed the supplemental redistribution agreement.\n\n"
     "Both need the Immunization Branch's approval before anything ships. Request either one "
     "from the sending site's inventory page; the state approves or denies it, the sender "
     "ships, and the receiving site confirms what arrived."),
    ("Sending 25 or more practicing providers at once", "provider_bulk_upload",
     "A location with 25 or more practicing providers may send them in one Excel file instead "
     "of typing them in Section B, step 8. Download the Practicing Provider Bulk Upload "
     "template, keep the location's name in cell B1 (one file per location), and fill one row "
     "per provider: first name, middle initial, last name, license type (MD, DO, NP, PA or RPh) "
     "and license number.\n\n"
     "Open a case in the category Practicing provider bulk upload, choose the location and "
     "attach the file. We check every row, tell you which ones need fixing, and import the "
     "providers; the location can then be approved."),
    ("Why is some of my inventory not shown as usable?", "inventory",
     "Lots past their expiration date are listed apart and cannot be used or moved. If a lot "
     "you still hold appears there, check the expiration date recorded for it; if it was "
     "entered wrongly, open an inventory case and tell us the lot number."),
    ("Recording more doses per vial than the label says", "inventory",
     "When a vial yields extra doses, record them as extra doses on the lot from your site's "
     "inventory page, with a reason. Each change is kept in the site's ledger with who made it "
     "and when."),
    ("Why do I get Section B reminders?", "enrollment",
     "While a location's Section B is not finished, its coordinator is reminded by email every "
     "seven days without a change; from the second reminder the organization's administrator "
     "is copied. Saving any step restarts the count, and completing Section B stops it."),
    ("Who signs the provider agreement, and when?", "enrollment",
     "The organization's chief executive and chief medical officer each receive a personal "
     "link by email once the first location completes Section B. One signature covers the "
     "organization and every location named in Section A. The links work once and expire after "
     "14 days; an expired link explains how to ask for a new one."),
    ("My location was not approved: what now?", "enrollment",
     "The rejection email and the location's page give the reviewer's reason. The coordinator "
     "chooses Resubmit, corrects Section B (everything entered is kept) and signs its last page "
     "again; the location then goes back to review."),
    ("Signing in: a lost password or a locked account", "access",
     "Use Forgot your password? on the login page: we email a link that works once, for one "
     "hour. After several failed attempts the portal makes you wait a little before the next "
     "try, so wait a minute and try again rather than opening a case."),
    ("Which browser should I use?", "access",
     "Use a current version of Chrome, Edge, Firefox or Safari, on a computer or a phone. Turn "
     "on cookies for the portal: signing in needs them."),
    # For vaccine recipients (no account): their personal link, appointments and proof.
]

# 0011g's: the vaccine recipients' questions (their link, appointments, proof)
FOR_RECIPIENTS: list[Article] = [
    ("Your personal link: registering and seeing your eligibility", "recipient_question",
     "When a vaccination location or your employer registers you, we email you a personal "
     "link, in English or Spanish. Open it to check your details, answer the questions and see "
     "your eligibility: eligible now, or not yet because your group's phase is not open. Keep "
     "the email: the same link lets you update your answers at any time, and your status "
     "follows.\n\n"
     "Registered at a location without an email address? Its staff print or show you your "
     "link, with a QR code. If you lost it, ask the location that registered you, or use Ask a "
     "question (no account needed)."),
    ("Booking, moving or cancelling a vaccination appointment", "recipient_question",
     "Once you are eligible, open your personal link and choose Your vaccination appointment. "
     "If your location takes appointments, choose one of the times offered for your dose and "
     "book it: we email you the time and the address. From the same page you can move it to "
     "another open time or cancel it. Times for a second dose are offered from the day it is "
     "due.\n\n"
     "If your location takes walk-ins only, the page gives its address. You can also phone the "
     "location: its staff can book, move or cancel an appointment for you."),
    ("Your proof of vaccination and its QR code", "recipient_question",
     "Open your personal link and choose Your proof of vaccination: it lists each dose (date, "
     "vaccine, lot and where it was given) with a QR code, a SMART Health Card that verifier "
     "apps read. Download the PDF to print it or keep it on your phone.\n\n"
     "If a dose is missing or wrong, contact the location that gave it. Once a dose is "
     "recorded, your name and date of birth cannot be changed from your link: the location "
     "that vaccinated you corrects them, with an official document."),
]

ARTICLES: list[Article] = STARTING + FOR_RECIPIENTS


def add_articles(connection: sa.Connection, articles: list[Article]) -> None:
    """Insert those of these articles whose title is not there yet: each once, whichever
    migration ships it; an agent's edit of one, or a title already taken, is left alone. Each
    migration names its own articles, so a title an agent changed is not added again by a
    later migration."""
    article = sa.table('kb_article', sa.column('title', sa.String), sa.column('body', sa.Text),
                       sa.column('category', sa.String), sa.column('published', sa.Boolean),
                       sa.column('created_at', sa.DateTime(timezone=True)),
                       sa.column('updated_at', sa.DateTime(timezone=True)))
    taken = {row[0] for row in connection.execute(sa.select(article.c.title))}
    now = datetime.now(UTC)
    rows = [{'title': title, 'body': body, 'category': category, 'published': True,
             'created_at': now, 'updated_at': now}
            for title, category, body in articles if title not in taken]
    if rows:
        connection.execute(sa.insert(article), rows)
