"""'lmndeck sync': a build written straight into a real collection through Anki's backend.

Each test drives the command line (click's CliRunner, in-process) against a collection that
Anki's own backend made, and reads what the collection holds afterwards with that backend.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lmndeck import kinds, notetypes, profiles
from lmndeck.cli import main
from lmndeck.kinds import cloze as cloze_kind
from lmndeck.reserved import REMOVED_TAG
from tests.anki_client import AnkiCollection, answers
from tests.test_updates import before_the_sort_field

V1 = """\
deck: Sync::Signs
sources:
  text: {title: Notes}
source: text
facts:
  - id: tone
    text: LMN lesions reduce muscle {{tone}}.
  - id: reflexes
    text: LMN lesions make reflexes {{hypoactive}} or {{absent}}.
  - id: babinski
    text: The Babinski sign is {{negative}} in LMN lesions.
  - id: fasciculations
    text: "{{Fasciculations}} point to an LMN lesion."
"""
OTHER = """\
deck: Sync::Other
sources:
  text: {title: Notes}
source: text
facts:
  - id: atrophy
    text: LMN lesions cause early {{atrophy}}.
"""
# babinski removed, fasciculations moved to the other file's deck, 'absent' deleted
V2 = (
    V1.replace(
        "  - id: babinski\n    text: The Babinski sign is {{negative}} in LMN lesions.\n", ""
    )
    .replace(" or {{absent}}", "")
    .replace('  - id: fasciculations\n    text: "{{Fasciculations}} point to an LMN lesion."\n', "")
)
OTHER2 = OTHER + '  - id: fasciculations\n    text: "{{Fasciculations}} point to an LMN lesion."\n'

START = 1_767_225_600
DAY = 86_400


class Desk:
    """A student's computer: a cards directory and one Anki collection, closed between runs."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.cards = root / "cards"
        self.cards.mkdir()
        self.path = root / "anki" / "User 1" / "collection.anki2"
        AnkiCollection(self.path).close()
        self.monkeypatch = monkeypatch
        self.builds = 0
        monkeypatch.chdir(root)

    def write(self, text: str, name: str = "deck.yaml") -> None:
        (self.cards / name).write_text(textwrap.dedent(text), encoding="utf-8")

    def sync(self, *options: str) -> Result:
        self.monkeypatch.setenv("SOURCE_DATE_EPOCH", str(START + self.builds * DAY))
        self.builds += 1
        return CliRunner().invoke(main, ["sync", "--collection", str(self.path), *options])

    def publish(self, text: str, *options: str, other: str | None = None) -> Result:
        self.write(text)
        if other is not None:
            self.write(other, "other.yaml")
        result = self.sync(*options)
        assert result.exit_code == 0, result.output
        return result

    @contextmanager
    def anki(self) -> Iterator[AnkiCollection]:
        collection = AnkiCollection(self.path)
        try:
            yield collection
        finally:
            collection.close()

    def review_all(self) -> dict[int, int]:
        with self.anki() as collection:
            for card in collection.cards():
                collection.review(card.id)
            return {card.id: collection.reps(card.id) for card in collection.cards()}

    def backups(self) -> list[Path]:
        return sorted((self.path.parent / "backups").glob("*.colpkg"))


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Desk:
    return Desk(tmp_path, monkeypatch)


def summary(result: Result) -> str:
    (line,) = [line for line in result.stdout.splitlines() if "into" in line]
    return line


def test_a_first_sync_adds_every_note_and_backs_up_first(desk: Desk) -> None:
    result = desk.publish(V1, other=OTHER)
    assert "Built dist/sync.apkg: 5 notes, 6 cards" in result.stdout
    assert "synced into" in summary(result) and "5 added, 0 updated, 0 removed" in summary(result)
    assert "Sync Anki to send this to your other devices." in summary(result)
    (backup,) = desk.backups()
    assert backup.name in summary(result)
    with desk.anki() as collection:
        assert len(collection.cards()) == 6
        assert collection.empty_cards() == []
    assert (desk.cards / "lmndeck.lock").is_file()  # built as 'lmndeck build' builds


def test_a_second_sync_of_the_same_build_writes_nothing(desk: Desk) -> None:
    desk.publish(V1)
    before = desk.path.read_bytes()
    result = desk.sync()
    assert result.exit_code == 0, result.output
    assert "already has this build: nothing written." in result.stdout
    assert desk.path.read_bytes() == before
    assert len(desk.backups()) == 1


def test_removed_moved_and_emptied_are_cleaned_and_every_other_review_kept(desk: Desk) -> None:
    desk.publish(V1, other=OTHER)
    reps = desk.review_all()
    with desk.anki() as collection:
        babinski = next(c for c in collection.cards() if "negative" in answers(c))
        absent = next(c for c in collection.cards() if "absent" in answers(c))
        fasciculations = next(c for c in collection.cards() if "Fasciculations" in answers(c))
    result = desk.publish(V2, other=OTHER2)
    line = summary(result)
    assert "0 added, 1 updated, 1 removed (1 had reviews; their history stays" in line
    assert "1 card moved, 1 empty card removed" in line
    with desk.anki() as collection:
        cards = {card.id: card for card in collection.cards()}
        assert babinski.id not in cards and absent.id not in cards
        assert cards[fasciculations.id].deck == "Sync::Other"
        assert collection.empty_cards() == []
        assert collection.notes(f"tag:{REMOVED_TAG}") == {}
        for card_id, card in cards.items():  # every card still there kept its reviews
            assert collection.reps(card_id) == reps[card_id], card
        # the deleted card's reviews stay in the statistics
        assert collection.revlog_count(babinski.id) == 1
    assert desk.sync().stdout.count("nothing written") == 1


def test_keep_reviewed_tags_reviewed_removed_notes_and_deletes_the_others(desk: Desk) -> None:
    desk.publish(V1)
    with desk.anki() as collection:
        babinski = next(c for c in collection.cards() if "negative" in answers(c))
        collection.review(babinski.id)
    gone = V1.split("  - id: babinski\n")[0] + "  - id: reflexes2\n    text: x {{y}}.\n"
    result = desk.publish(gone, "--keep-reviewed")
    assert "1 removed but kept (reviewed, tagged lmndeck::removed)" in summary(result)
    assert "1 added, 0 updated, 1 removed, 1 removed but kept" in summary(result)
    with desk.anki() as collection:
        (kept,) = collection.notes(f"tag:{REMOVED_TAG}").values()
        assert kept.id == babinski.note_id
        assert collection.reps(babinski.id) == 1
    assert "nothing written" in desk.sync("--keep-reviewed").stdout


def test_dry_run_prints_the_plan_and_writes_nothing(desk: Desk) -> None:
    desk.publish(V1, other=OTHER)
    desk.write(V2)
    desk.write(OTHER2, "other.yaml")
    lock = (desk.cards / "lmndeck.lock").read_bytes()
    deck = (desk.root / "dist" / "sync.apkg").read_bytes()
    collection = desk.path.read_bytes()
    result = desk.sync("--dry-run")
    assert result.exit_code == 0, result.output
    assert "would sync into" in summary(result) and "nothing written (dry run)" in summary(result)
    assert "1 removed" in summary(result) and "1 card moved" in summary(result)
    assert (desk.cards / "lmndeck.lock").read_bytes() == lock
    assert (desk.root / "dist" / "sync.apkg").read_bytes() == deck
    assert desk.path.read_bytes() == collection
    assert len(desk.backups()) == 1


def test_a_collection_anki_has_open_is_refused_at_once(desk: Desk) -> None:
    desk.write(V1)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(desk.path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout and holder.stdout.readline().strip() == "open"
        result = desk.sync()
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2
    assert "error[collection-in-use]" in result.stderr and "close Anki" in result.stderr
    assert not (desk.cards / "lmndeck.lock").exists()  # nothing built either
    assert desk.backups() == []
    assert desk.publish(V1).exit_code == 0  # and once Anki is closed, it goes through


HOLD = """\
import sys, time
from anki.collection import Collection
col = Collection(sys.argv[1])
print("open", flush=True)
time.sleep(60)
"""


def test_a_wal_left_by_a_crash_is_replayed_not_lost(desk: Desk) -> None:
    desk.publish(V1)
    crash = subprocess.run(
        [sys.executable, "-c", CRASH, str(desk.path)], capture_output=True, text=True
    )
    assert crash.returncode == 9 or crash.returncode == -9, crash.stderr
    assert Path(f"{desk.path}-wal").exists()
    result = desk.sync()
    assert result.exit_code == 0, result.output
    with desk.anki() as collection:
        assert collection.col.decks.by_name("Made before the crash") is not None
        assert len(collection.cards()) == 5


CRASH = """\
import os, sys
from anki.collection import Collection
col = Collection(sys.argv[1])
col.decks.id("Made before the crash")
col.db.execute("select 1")
os.kill(os.getpid(), 9)
"""


def test_a_student_moved_card_and_a_filtered_deck_card_stay_and_are_listed(desk: Desk) -> None:
    desk.publish(V1, other=OTHER)
    with desk.anki() as collection:
        tone = next(c for c in collection.cards() if "tone" in answers(c))
        collection.move([tone.id], "My exam")
        fasciculations = next(c for c in collection.cards() if "Fasciculations" in answers(c))
        collection.filtered_deck("Cram", "Fasciculations")
        assert collection.card_deck(fasciculations.id)[0] == "Cram"
    moved = V1.split("  - id: fasciculations\n")[0].replace("muscle", "the muscle")
    result = desk.publish(moved, other=OTHER2)
    assert "left in place: 'fact/tone' card in 'My exam' (you moved it there)" in result.stdout
    assert "left in place: 'fact/fasciculations' card in 'Cram' (filtered deck)" in result.stdout
    assert "0 cards moved" in summary(result)
    with desk.anki() as collection:
        assert collection.card_deck(tone.id) == ("My exam", 0)
        assert collection.card_deck(fasciculations.id)[0] == "Cram"


def test_a_student_edit_is_kept_until_the_author_changes_that_fact(desk: Desk) -> None:
    desk.publish(V1)
    with desk.anki() as collection:
        (note,) = [n for n in collection.notes().values() if "muscle" in n["Text"]]
        note["Text"] = note["Text"].replace("muscle", "my muscle")
        collection.col.update_note(note)
    result = desk.publish(V1.replace("Babinski", "Babinski (plantar)"))
    assert "1 updated" in summary(result)
    with desk.anki() as collection:
        assert "my muscle" in collection.note(note.id)["Text"]


def test_a_note_type_the_student_changed_is_refused_before_anything_is_written(
    desk: Desk,
) -> None:
    desk.publish(V1)
    with desk.anki() as collection:
        collection.add_field("lmndeck cloze", "My notes")
    before = desk.path.read_bytes()
    result = desk.sync()
    assert result.exit_code == 1
    assert "error[full-sync-needed]" in result.stderr and "--allow-full-sync" in result.stderr
    assert desk.path.read_bytes() == before and len(desk.backups()) == 1


def test_a_note_of_another_type_with_an_owned_guid_is_left_alone(desk: Desk) -> None:
    desk.publish(V1)
    with desk.anki() as collection:
        (note,) = [n for n in collection.notes().values() if "muscle" in n["Text"]]
        collection.col.remove_notes([note.id])
        guid = note.guid
        collection.add_basic("my own", "note", "Mine", guid)
    result = desk.publish(V1.replace("muscle {{tone}}", "muscle {{tone}} (hypotonia)"))
    assert "left alone: 'fact/tone': a note of another type has its GUID" in result.stdout
    with desk.anki() as collection:
        assert collection.notes()[guid]["Front"] == "my own"


def test_a_backup_that_cannot_be_made_stops_the_sync_before_any_write(desk: Desk) -> None:
    desk.publish(V1)
    for backup in desk.backups():
        backup.unlink()
    (desk.path.parent / "backups").rmdir()
    (desk.path.parent / "backups").write_text("a file where the folder should be")
    before = desk.path.read_bytes()
    desk.write(V2)
    result = desk.sync()
    assert result.exit_code == 1
    assert "error[backup-failed]" in result.stderr
    assert result.stderr.count("nothing was written") == 1  # the summary's, not twice
    assert desk.path.read_bytes() == before


def test_no_backup_goes_with_a_named_collection_only(desk: Desk) -> None:
    desk.write(V1)
    result = CliRunner().invoke(main, ["sync", "--profile", "User 1", "--no-backup"])
    assert result.exit_code == 2 and "--no-backup goes with --collection" in result.output
    assert desk.publish(V1, "--no-backup").exit_code == 0
    assert desk.backups() == []


@pytest.mark.parametrize("step", ["after:make_backup", "before:apply", "after:_import"])
@pytest.mark.parametrize("first", ["sync", "import"])
def test_a_sync_killed_after_its_backup_is_completed_by_the_next(
    desk: Desk, step: str, first: str
) -> None:
    """Killed after the backup, after the lock file was written, or after the import; the
    collection had the first build by a sync or by importing its .apkg."""
    if first == "sync":
        desk.publish(V1, other=OTHER)
    else:
        desk.write(V1)
        desk.write(OTHER, "other.yaml")
        assert CliRunner().invoke(main, ["build"]).exit_code == 0
        with desk.anki() as collection:
            collection.import_package(desk.root / "dist" / "sync.apkg")
    desk.review_all()
    desk.write(V2)
    desk.write(OTHER2, "other.yaml")
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(START + 10 * DAY)}
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT, step, "sync", "--collection", str(desk.path)],
        cwd=desk.root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert killed.returncode == 9, killed.stderr
    with desk.anki() as collection:  # nothing cleaned yet
        assert len(collection.notes()) == 5
    result = CliRunner().invoke(main, ["sync", "--collection", str(desk.path)], env=env)
    assert result.exit_code == 0, result.output
    assert "1 removed" in summary(result) and "1 card moved, 1 empty card removed" in summary(
        result
    )
    with desk.anki() as collection:
        assert len(collection.notes()) == 4 and collection.empty_cards() == []
        assert {card.deck for card in collection.cards() if "Fasciculations" in answers(card)} == {
            "Sync::Other"
        }


# Killed at once, as SIGKILL would, at a step of the sync (argv[1]: "after:NAME" once the
# function NAME returned, "before:NAME" when it is called): the collection is left open, its
# last writes in the -wal file.
KILL_AT = """\
import os, sys
import lmndeck.sync
when, step = sys.argv.pop(1).split(":")
done = getattr(lmndeck.sync, step)
def then_die(*args, **kwargs):
    if when == "after":
        done(*args, **kwargs)
    os._exit(9)
setattr(lmndeck.sync, step, then_die)
from lmndeck.cli import main
main(sys.argv[1:])
"""


def test_profiles_are_found_in_anki_base_and_listed_when_ambiguous(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = desk.path.parent.parent
    desk.write(V1)
    prefs = sqlite3.connect(base / "prefs21.db")
    prefs.execute("CREATE TABLE profiles (name TEXT PRIMARY KEY, data BLOB NOT NULL)")
    prefs.executemany("INSERT INTO profiles VALUES (?, x'')", [("_global",), ("User 1",)])
    prefs.commit()
    monkeypatch.setenv("ANKI_BASE", str(base))
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 0, result.output
    assert "collection: anki/User 1/collection.anki2 (profile 'User 1')" in result.stderr
    assert "synced into profile 'User 1'" in result.stdout
    prefs.execute("INSERT INTO profiles VALUES ('Exam', x'')")
    prefs.commit()
    prefs.close()
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 1
    assert "error[no-collection]: Anki has 2 profiles here: choose one" in result.stderr
    assert "--profile Exam | User 1" in result.stderr
    result = CliRunner().invoke(main, ["sync", "--profile", "Exam"])
    assert result.exit_code == 1 and "Anki has no profile 'Exam' here" in result.stderr
    result = CliRunner().invoke(main, ["sync", "--profile", "User 1", "--base", str(base)])
    assert result.exit_code == 0 and "already has this build" in result.stdout


def test_allow_full_sync_merges_a_changed_note_type_instead_of_copying_it(desk: Desk) -> None:
    desk.publish(V1)
    with desk.anki() as collection:
        collection.add_field("lmndeck cloze", "My notes")
    desk.builds = 400  # the author's change comes after the student's
    result = desk.publish(V1.replace("Babinski", "Babinski (plantar)"), "--allow-full-sync")
    assert "1 updated" in summary(result)
    with desk.anki() as collection:
        assert "lmndeck cloze+" not in collection.note_type_names()  # the default import's copy
        fields = [field["name"] for field in collection.note_type("lmndeck cloze")["flds"]]
        assert fields[-1] == "My notes"
        (note,) = [n for n in collection.notes().values() if "plantar" in n["Text"]]
        assert note.mid == collection.note_type("lmndeck cloze")["id"]


@pytest.fixture
def sync_server(tmp_path: Path) -> Iterator[str]:
    """Anki's own sync server on 127.0.0.1, standing in for AnkiWeb: its endpoint."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "SYNC_USER1": "student:secret",
        "SYNC_BASE": str(tmp_path / "server"),
        "SYNC_HOST": "127.0.0.1",
        "SYNC_PORT": str(port),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "anki.syncserver"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "no sync server"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.kill()
        server.wait()


def ankiweb_sync(collection: AnkiCollection, endpoint: str) -> str:
    """One sync as Anki's Sync button does it: "normal" (done: changes exchanged, or none to
    exchange) or the kind of full sync it took."""
    col = collection.col
    auth = col.sync_login("student", "secret", endpoint)
    out = col.sync_collection(auth, False)
    kind = {0: "normal", 1: "normal", 2: "full", 3: "full download", 4: "full upload"}
    if out.required in (2, 3, 4):
        col.close_for_full_sync()
        col.full_upload_or_download(
            auth=auth, server_usn=out.server_media_usn, upload=out.required != 3
        )
        col.reopen(after_full_sync=True)
    return kind[out.required]


def test_two_devices_converge_through_a_normal_sync_with_every_review_kept(
    desk: Desk, sync_server: str, tmp_path: Path
) -> None:
    desk.publish(V1, other=OTHER)
    with desk.anki() as desktop:
        assert ankiweb_sync(desktop, sync_server) in ("full", "full upload")  # a new account
    phone = AnkiCollection(tmp_path / "phone" / "collection.anki2")
    try:
        assert ankiweb_sync(phone, sync_server) in ("full", "full download")
        for card in phone.cards():
            phone.review(card.id)
        reviews = len(phone.cards())
        assert ankiweb_sync(phone, sync_server) == "normal"
        with desk.anki() as desktop:
            assert ankiweb_sync(desktop, sync_server) == "normal"
        result = desk.publish(V2, other=OTHER2)
        assert "1 removed (1 had reviews" in summary(result)
        with desk.anki() as desktop:
            assert ankiweb_sync(desktop, sync_server) == "normal"  # never a full sync
            on_desktop = {(card.id, card.deck, card.ord) for card in desktop.cards()}
            desktop_revlog = desktop.revlog_total()
        assert ankiweb_sync(phone, sync_server) == "normal"
        assert {(card.id, card.deck, card.ord) for card in phone.cards()} == on_desktop
        assert len(on_desktop) == 4 and phone.empty_cards() == []
        assert phone.notes(f"tag:{REMOVED_TAG}") == {}
        assert "Sync::Other" in {deck for _, deck, _ in on_desktop}
        # every review row stays, the removed cards' too (in the statistics)
        assert phone.revlog_total() == reviews == desktop_revlog
    finally:
        phone.close()


def test_a_note_type_change_alone_reaches_the_collection(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk.publish(V1)
    original = notetypes._template

    def restyled(name: str) -> str:
        return original(name) + ("\n.lmn { color: rebeccapurple; }" if name == "style.css" else "")

    monkeypatch.setattr(notetypes, "_template", restyled)
    result = desk.publish(V1)
    assert "0 added, 0 updated" in summary(result)
    assert "note types updated: lmndeck cloze" in summary(result)
    assert "Sync Anki to send this" in summary(result)  # no schema change
    with desk.anki() as collection:
        assert "rebeccapurple" in collection.note_type("lmndeck cloze")["css"]


def test_a_future_field_in_a_reserved_slot_syncs_normally_to_every_device(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, sync_server: str, tmp_path: Path
) -> None:
    desk.publish(V1)
    with desk.anki() as desktop:
        ankiweb_sync(desktop, sync_server)
    phone = AnkiCollection(tmp_path / "phone" / "collection.anki2")
    try:
        ankiweb_sync(phone, sync_server)
        cloze = cloze_kind.CLOZE
        future = dataclasses.replace(
            cloze,
            fields=(*cloze.fields, ("Image", cloze.reserved_fields[0][1])),
            reserved_fields=cloze.reserved_fields[1:],
        )
        monkeypatch.setitem(kinds.NOTE_TYPES, "cloze", future)
        result = desk.publish(V1.replace("reduce muscle", "lower muscle"))
        assert "1 updated" in summary(result) and "Sync Anki to send" in summary(result)
        with desk.anki() as desktop:
            assert ankiweb_sync(desktop, sync_server) == "normal"
        assert ankiweb_sync(phone, sync_server) == "normal"
        fields = [field["name"] for field in phone.note_type("lmndeck cloze")["flds"]]
        assert fields == ["Text", "Extra", "Source", "Image", "Reserved 2"]
        assert "lmndeck cloze+" not in phone.note_type_names()
    finally:
        phone.close()


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", {"HOME": "/h"}, "/h/.local/share/Anki2"),
        ("linux", {"HOME": "/h", "XDG_DATA_HOME": "/x"}, "/x/Anki2"),
        ("linux", {"HOME": "/h", "ANKI_BASE": "/b"}, "/b"),
        ("darwin", {"HOME": "/h"}, "/h/Library/Application Support/Anki2"),
        ("win32", {"HOME": "/h", "APPDATA": "/a"}, "/a/Anki2"),
    ],
)
def test_ankis_base_folder_is_where_anki_keeps_it(
    platform: str, environ: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    assert profiles.anki_base(environ) == Path(expected)


def test_the_flatpak_base_folder_is_used_when_it_alone_exists(tmp_path: Path) -> None:
    flatpak = tmp_path / ".var" / "app" / "net.ankiweb.Anki" / "data" / "Anki2"
    flatpak.mkdir(parents=True)
    assert profiles.anki_base({"HOME": str(tmp_path)}) == flatpak
    (tmp_path / ".local" / "share" / "Anki2").mkdir(parents=True)
    assert profiles.anki_base({"HOME": str(tmp_path)}) == tmp_path / ".local" / "share" / "Anki2"


def test_a_damaged_prefs_file_lists_no_profile_rather_than_failing(tmp_path: Path) -> None:
    (tmp_path / "prefs21.db").write_bytes(b"not a database at all" * 100)
    assert profiles.profile_names(tmp_path) == []


def test_without_ankis_backend_sync_says_how_to_install_it(desk: Desk) -> None:
    desk.write(V1)
    blocked = "import sys; sys.modules['anki'] = None\nfrom lmndeck.cli import main\nmain()"
    result = subprocess.run(
        [sys.executable, "-c", blocked, "sync", "--collection", str(desk.path)],
        cwd=desk.root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    assert "error[no-anki]" in result.stderr and "[sync]" in result.stderr
    assert result.stderr.startswith("lmndeck: error[no-anki]")  # no made-up file position
    assert "Traceback" not in result.stderr


# --- What a second pair of eyes found ---------------------------------------------------------


def test_a_removed_facts_note_the_student_changed_to_another_type_is_left_alone(
    desk: Desk,
) -> None:
    desk.publish(V1)
    with desk.anki() as collection:
        (note,) = [n for n in collection.notes().values() if "Babinski" in n["Text"]]
        collection.col.remove_notes([note.id])
        mine = collection.add_basic("my Babinski card", "mine", "Mine", note.guid)
        collection.review(collection.col.card_ids_of_note(mine.id)[0])
    gone = V1.replace(
        "  - id: babinski\n    text: The Babinski sign is {{negative}} in LMN lesions.\n", ""
    )
    result = desk.publish(gone)
    assert "left alone: 'fact/babinski': a note of another type" in result.stdout
    assert "already has this build: nothing written" in result.stdout
    with desk.anki() as collection:
        assert collection.notes()[note.guid]["Front"] == "my Babinski card"


@pytest.mark.parametrize("content", [b"", b"not a database" * 100, "sqlite"])
def test_a_file_that_is_no_collection_is_refused_and_left_as_it_was(
    desk: Desk, content: bytes | str, tmp_path: Path
) -> None:
    desk.write(V1)
    other = tmp_path / "other.anki2"
    if content == "sqlite":  # a SQLite file of another program: prefs21.db, say
        connection = sqlite3.connect(other)
        connection.execute("CREATE TABLE profiles (name TEXT)")
        connection.commit()
        connection.close()
    else:
        assert isinstance(content, bytes)
        other.write_bytes(content)
    before = other.read_bytes()
    for options in ([], ["--dry-run"]):
        result = CliRunner().invoke(main, ["sync", "--collection", str(other), *options])
        assert result.exit_code == 1, result.output
        assert "error[no-collection]: this is not an Anki collection" in result.stderr
        assert result.stderr.count("nothing was written") == 1  # the summary's, not twice
        assert other.read_bytes() == before
        assert not other.with_suffix(".media").exists()
    assert not (desk.cards / "lmndeck.lock").exists()


def test_a_dry_run_leaves_the_profile_exactly_as_it_was(desk: Desk) -> None:
    desk.publish(V1)
    shutil.rmtree(desk.path.with_name("collection.media"), ignore_errors=True)
    files = sorted(path.name for path in desk.path.parent.iterdir())
    before = desk.path.read_bytes()
    desk.write(V2)
    assert desk.sync("--dry-run").exit_code == 0
    assert sorted(path.name for path in desk.path.parent.iterdir()) == files
    assert desk.path.read_bytes() == before


def test_cards_with_errors_leave_the_collection_untouched(desk: Desk) -> None:
    desk.publish(V1)
    before = desk.path.read_bytes()
    desk.write(V1 + "  - id: broken\n    text: no deletion here\n")
    result = desk.sync()
    assert result.exit_code == 1 and "error[no-deletion]" in result.stderr
    assert desk.path.read_bytes() == before


def test_a_card_the_students_own_edit_keeps_is_not_planned_as_empty(desk: Desk) -> None:
    desk.publish(V1)
    with desk.anki() as collection:  # the student's edit is newer than the author's change
        (note,) = [n for n in collection.notes().values() if "absent" in n["Text"]]
        note["Text"] = note["Text"] + " (my note)"
        collection.col.update_note(note)
    desk.write(V1.replace(" or {{absent}}", ""))
    for run in ("--dry-run", "", ""):  # the card still shows the student's text: it stays
        result = desk.sync(*[run] * bool(run))
        assert "already has this build: nothing written." in result.stdout, result.output
    with desk.anki() as collection:
        assert len(collection.cards(f"nid:{note.id}")) == 2 and collection.empty_cards() == []


def test_keep_reviewed_keeps_a_removed_note_the_student_edited(desk: Desk) -> None:
    desk.publish(V1)
    with desk.anki() as collection:
        (note,) = [n for n in collection.notes().values() if "Babinski" in n["Text"]]
        note["Text"] = note["Text"] + " My mnemonic: big toe up, brain broken."
        collection.col.update_note(note)
    gone = V1.replace(
        "  - id: babinski\n    text: The Babinski sign is {{negative}} in LMN lesions.\n", ""
    )
    desk.write(gone)
    assert "1 removed (1 you had edited" in summary(desk.sync("--dry-run"))
    result = desk.publish(gone, "--keep-reviewed")
    assert "0 removed, 1 removed but kept" in summary(result)
    with desk.anki() as collection:
        assert "mnemonic" in collection.note(note.id)["Text"]


def test_two_syncs_in_one_second_keep_two_backups(desk: Desk) -> None:
    desk.publish(V1)
    desk.publish(V1.replace("muscle", "skeletal muscle"))
    desk.publish(V1.replace("muscle", "limb muscle"))
    assert len(desk.backups()) == 3


def test_the_collection_keeps_a_small_record_of_what_lmndeck_gave_it(desk: Desk) -> None:
    desk.publish(V1, other=OTHER)
    with desk.anki() as collection:
        assert collection.col.get_config("lmndeck:Sync") == {"decks": {}}


def test_the_comparison_sort_field_reaches_every_device_by_a_normal_sync(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, sync_server: str, tmp_path: Path
) -> None:
    """The sort field took a reserved slot and Anki's sort index moved to it: neither is a
    schema change, so no device is asked for a one-way sync."""
    table = (
        "comparisons:\n  - id: lesions\n    title: LMN vs UMN\n    columns: {lmn: LMN, umn: UMN}\n"
        "    rows:\n      - {id: tone, feature: Tone, lmn: Reduced, umn: Spastic}\n"
    )
    with monkeypatch.context() as before:
        before_the_sort_field(before)
        desk.publish(V1 + table)
    with desk.anki() as desktop:
        ankiweb_sync(desktop, sync_server)
    phone = AnkiCollection(tmp_path / "phone" / "collection.anki2")
    try:
        ankiweb_sync(phone, sync_server)
        result = desk.publish(V1 + table)
        assert "4 updated" in summary(result) and "Sync Anki to send" in summary(result)
        with desk.anki() as desktop:
            assert ankiweb_sync(desktop, sync_server) == "normal"
        assert ankiweb_sync(phone, sync_server) == "normal"
        assert phone.sort_fields("LMN vs") == [
            "LMN vs UMN / Tone / LMN",
            "LMN vs UMN / Tone / Reduced",
            "LMN vs UMN / Tone / Spastic",
            "LMN vs UMN / Tone / UMN",
        ]
    finally:
        phone.close()


@pytest.mark.parametrize("dry_run", [False, True])
def test_sync_counts_the_drafts_as_build_does_rather_than_listing_them(
    desk: Desk, dry_run: bool
) -> None:
    drafts = "".join(
        f"  - id: draft-{number}\n    text: Draft {{{{{number}}}}}.\n    draft: true\n"
        for number in range(5)
    )
    desk.write(V1 + drafts)
    result = desk.sync(*(["--dry-run"] if dry_run else []))
    assert result.exit_code == 0, result.output
    assert "warning[draft]" not in result.output
    assert "5 drafts left out ('lmndeck check' lists them)" in result.output
