"""Issue 5: the rotation engine through the virtual clock.

EnableKeyRotation / DisableKeyRotation / GetKeyRotationStatus,
RotateKeyOnDemand, ListKeyRotations, GetKeyLastUsage, DescribeKey's
CurrentKeyMaterialId, the scheduler (disabled keys, pending deletion,
catch-up after a restart, jitter) and the three-command lab with the aws CLI.

CLI note: Debian's aws CLI v2 (2.9.19) predates rotate-key-on-demand and
list-key-rotations, so the CLI parts here use aws CLI v1 (`python3 -m awscli`,
botocore 1.43), which has every rotation command.
"""
import base64
import collections
import concurrent.futures
import datetime as dt
import os
import shutil
import tempfile
import time
import unittest
import uuid

from rotor_harness import (ANY_MESSAGE, DEFAULT_ACCOUNT, DEFAULT_REGION, ServerTestCase, iso, key_arn,
                           parse_iso, range_message, utc)

T0_TEXT = "2030-01-01T00:00:00Z"
T0 = parse_iso(T0_TEXT)
DAY = dt.timedelta(days=1)
VIRTUAL = ["--clock", "virtual", "--clock-start", T0_TEXT]
EXACT = VIRTUAL + ["--rotation-jitter", "0"]

LIMIT_MSG = ("The on-demand rotations limit has been reached for the given keyId. No more on-demand "
             "rotations can be performed for this key: {arn}")
CONFLICT_MSG = ("The request was rejected because an automatic rotation of this key is currently in "
                "progress or scheduled to begin within the next 20 minutes.")
HEX64 = r"^[0-9a-f]{64}$"


def cli_time(value):
    """A CLI timestamp (epoch number with CLI v1's default format, or ISO 8601)."""
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, dt.timezone.utc)
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(dt.timezone.utc)


def wait_until(fn, timeout=5.0, interval=0.05):
    """Polls fn() until it returns a truthy value (bounded). Returns the last value."""
    deadline = time.monotonic() + timeout
    value = fn()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = fn()
    return value


class RotationTestBase(ServerTestCase):
    """No shared server: every test gets a virtual clock of its own."""

    @classmethod
    def setUpClass(cls):
        # Skip the shared server of ServerTestCase.
        super(ServerTestCase, cls).setUpClass()

    def server_with(self, args=EXACT, in_memory=True):
        srv = self.fresh_server(list(args), in_memory=in_memory)
        return srv, srv.client()

    @staticmethod
    def rotations(kms, kid, include=None, limit=None):
        out, marker = [], None
        for _ in range(10000):
            kw = {"KeyId": kid}
            if include:
                kw["IncludeKeyMaterial"] = include
            if limit:
                kw["Limit"] = limit
            if marker:
                kw["Marker"] = marker
            page = kms.list_key_rotations(**kw)
            out += page["Rotations"]
            if not page["Truncated"]:
                return out
            marker = page["NextMarker"]
        raise AssertionError("pagination did not end")

    def assert_key_id_field(self, value, kid, form):
        # The form AWS answers for that operation (docs/aws-kms-behaviour.md section 1.7).
        self.assertEqual(value, key_arn(kid) if form == "arn" else kid)

    @staticmethod
    def current_material(kms, kid):
        return kms.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"]


class RotationSettingsTest(RotationTestBase):

    def test_status_before_and_after_enabling(self):
        srv, kms = self.server_with()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        st = kms.get_key_rotation_status(KeyId=kid)
        self.assertIs(st["KeyRotationEnabled"], False)
        self.assertNotIn("NextRotationDate", st)
        self.assertNotIn("RotationPeriodInDays", st)
        self.assertNotIn("OnDemandRotationStartDate", st)
        self.assert_key_id_field(st["KeyId"], kid, "arn")
        self.assertEqual(kms.enable_key_rotation(KeyId=kid)["ResponseMetadata"]["HTTPStatusCode"], 200)
        st = kms.get_key_rotation_status(KeyId=key_arn(kid))
        self.assertIs(st["KeyRotationEnabled"], True)
        self.assertEqual(st["RotationPeriodInDays"], 365)
        self.assertEqual(utc(st["NextRotationDate"]), T0 + 365 * DAY)
        self.assertNotIn("OnDemandRotationStartDate", st)
        self.assert_key_id_field(st["KeyId"], kid, "arn")

    def test_rotation_period_bounds(self):
        srv, kms = self.server_with()
        for days in (90, 2560, 180):
            with self.subTest(days=days):
                kid = kms.create_key()["KeyMetadata"]["KeyId"]
                kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=days)
                st = kms.get_key_rotation_status(KeyId=kid)
                self.assertEqual(st["RotationPeriodInDays"], days)
                self.assertEqual(utc(st["NextRotationDate"]), T0 + days * DAY)
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        for bad, bound, greater in ((89, 90, True), (0, 90, True), (-1, 90, True), (2561, 2560, False)):
            with self.subTest(bad=bad):
                self.assert_client_error(kms.enable_key_rotation, "ValidationException",
                                         range_message(bad, "rotationPeriodInDays", bound, greater),
                                         KeyId=kid, RotationPeriodInDays=bad)
        self.assertIs(kms.get_key_rotation_status(KeyId=kid)["KeyRotationEnabled"], False)

    def test_changing_the_period_counts_from_the_enable_date(self):
        srv, kms = self.server_with()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=kid)
        srv.advance_clock("100d")
        kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=180)
        st = kms.get_key_rotation_status(KeyId=kid)
        self.assertEqual(st["RotationPeriodInDays"], 180)
        self.assertEqual(utc(st["NextRotationDate"]), T0 + 180 * DAY)
        # A period whose date is already past makes the key rotate at the next opportunity.
        kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=90)
        srv.advance_clock("1s")
        rots = self.rotations(kms, kid)
        self.assertEqual(len(rots), 1, rots)
        self.assertEqual(rots[0]["RotationType"], "AUTOMATIC")
        rdate = utc(rots[0]["RotationDate"])
        self.assertTrue(T0 + 100 * DAY <= rdate <= T0 + 100 * DAY + dt.timedelta(seconds=1), rdate)
        st = kms.get_key_rotation_status(KeyId=kid)
        self.assertEqual(utc(st["NextRotationDate"]), rdate + 90 * DAY)

    def test_disable_rotation_and_reenable_starts_a_new_schedule(self):
        srv, kms = self.server_with()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=kid)
        srv.advance_clock("100d")
        kms.disable_key_rotation(KeyId=kid)
        st = kms.get_key_rotation_status(KeyId=kid)
        self.assertIs(st["KeyRotationEnabled"], False)
        self.assertNotIn("NextRotationDate", st)
        doc = srv.advance_clock("300d")
        self.assertEqual([e for e in doc["fired"] if e.get("keyId") == kid], [])
        self.assertEqual(self.rotations(kms, kid), [])
        kms.enable_key_rotation(KeyId=kid)
        self.assertEqual(utc(kms.get_key_rotation_status(KeyId=kid)["NextRotationDate"]), T0 + 765 * DAY)

    def test_rotation_operations_and_key_states(self):
        srv, kms = self.server_with()
        md = kms.create_key()["KeyMetadata"]
        kid, arn = md["KeyId"], md["Arn"]
        kms.enable_key_rotation(KeyId=kid)
        kms.disable_key(KeyId=kid)
        disabled = f"{arn} is disabled."
        self.assert_client_error(kms.enable_key_rotation, "DisabledException", disabled, KeyId=kid)
        self.assert_client_error(kms.disable_key_rotation, "DisabledException", disabled, KeyId=kid)
        self.assert_client_error(kms.rotate_key_on_demand, "DisabledException", disabled, KeyId=kid)
        # Status reporting and history still work on a disabled key; the setting is kept.
        self.assertIs(kms.get_key_rotation_status(KeyId=kid)["KeyRotationEnabled"], True)
        self.assertEqual(self.rotations(kms, kid), [])
        kms.enable_key(KeyId=kid)
        kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        pending = f"{arn} is pending deletion."
        self.assert_client_error(kms.enable_key_rotation, "KMSInvalidStateException", pending, KeyId=kid)
        self.assert_client_error(kms.disable_key_rotation, "KMSInvalidStateException", pending, KeyId=kid)
        self.assert_client_error(kms.rotate_key_on_demand, "KMSInvalidStateException", pending, KeyId=kid)

    def test_rotation_operations_on_unknown_and_alias_ids(self):
        srv, kms = self.server_with()
        missing = str(uuid.uuid4())
        for fn in (kms.enable_key_rotation, kms.disable_key_rotation, kms.get_key_rotation_status,
                   kms.rotate_key_on_demand, kms.list_key_rotations, kms.get_key_last_usage):
            with self.subTest(op=fn.__name__):
                self.assert_client_error(fn, "NotFoundException", f"Key '{key_arn(missing)}' does not exist",
                                         KeyId=missing)
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/rot", TargetKeyId=kid)
        # Rotation operations take key id or key ARN only (docs/aws-kms-behaviour.md §1.1 (c)).
        for fn in (kms.enable_key_rotation, kms.get_key_rotation_status, kms.rotate_key_on_demand,
                   kms.get_key_last_usage):
            with self.subTest(op=fn.__name__):
                self.assert_client_error(fn, "NotFoundException", "Invalid keyId 'alias/rot'", KeyId="alias/rot")

    def test_unsupported_key_types(self):
        srv, kms = self.server_with()
        try:
            md = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
        except Exception as e:  # noqa: BLE001
            if getattr(e, "response", {}).get("Error", {}).get("Code") == "UnsupportedOperationException":
                self.skipTest("this Rotor build does not create HMAC keys yet")
            raise
        for fn in (kms.enable_key_rotation, kms.rotate_key_on_demand, kms.list_key_rotations):
            with self.subTest(op=fn.__name__):
                self.assert_client_error(fn, "UnsupportedOperationException", "", KeyId=md["KeyId"])


class AutomaticRotationTest(RotationTestBase):

    def test_ten_years_of_yearly_rotation_every_ciphertext_decrypts(self):
        srv, kms = self.server_with()
        md = kms.create_key()["KeyMetadata"]
        kid, arn = md["KeyId"], md["Arn"]
        first_material = md["CurrentKeyMaterialId"]
        kms.enable_key_rotation(KeyId=kid)
        made = []  # (plaintext, ciphertext, material id current when encrypting)
        materials = [first_material]
        for year in range(10):
            p = f"written in year {year}".encode()
            ct = kms.encrypt(KeyId=kid, Plaintext=p, EncryptionContext={"year": str(year)})["CiphertextBlob"]
            made.append((p, ct, self.current_material(kms, kid), year))
            doc = srv.advance_clock("365d")
            self.assertEqual(parse_iso(doc["now"]), T0 + 365 * (year + 1) * DAY)
            fired = [e for e in doc["fired"] if e.get("keyId") == kid]
            self.assertEqual(len(fired), 1, doc)
            ev = fired[0]
            self.assertEqual(ev["event"], "RotateKey")
            self.assertEqual(ev["account"], DEFAULT_ACCOUNT)
            self.assertEqual(ev["region"], DEFAULT_REGION)
            self.assertEqual(parse_iso(ev["time"]), T0 + 365 * (year + 1) * DAY)
            kind, _, mid = ev["detail"].partition(" ")
            self.assertEqual(kind, "AUTOMATIC")
            current = self.current_material(kms, kid)
            self.assertEqual(mid, current)
            # The same facts as typed members, which the dashboard reads.
            self.assertEqual(ev["rotationType"], "AUTOMATIC")
            self.assertEqual(ev["keyMaterialIds"], [current])
            self.assertNotIn(current, materials)
            materials.append(current)
            st = kms.get_key_rotation_status(KeyId=kid)
            self.assertEqual(utc(st["NextRotationDate"]), T0 + 365 * (year + 2) * DAY)
        for p, ct, mid, year in made:
            dec = kms.decrypt(CiphertextBlob=ct, EncryptionContext={"year": str(year)})
            self.assertEqual(dec["Plaintext"], p)
            self.assertEqual(dec["KeyId"], arn)
            self.assertEqual(dec["KeyMaterialId"], mid)
        self.assertEqual(len({m for _, _, m, _ in made}), 10)
        # New data uses the newest material.
        ct = kms.encrypt(KeyId=kid, Plaintext=b"now")["CiphertextBlob"]
        self.assertEqual(kms.decrypt(CiphertextBlob=ct)["KeyMaterialId"], materials[-1])

        rots = self.rotations(kms, kid)
        self.assertEqual(len(rots), 10)
        for i, r in enumerate(rots):
            self.assert_key_id_field(r["KeyId"], kid, "bare")
            self.assertEqual(r["RotationType"], "AUTOMATIC")
            self.assertEqual(utc(r["RotationDate"]), T0 + 365 * (i + 1) * DAY)
            self.assertEqual(r["KeyMaterialId"], materials[i + 1])
            self.assertEqual(r["KeyMaterialState"], "CURRENT" if i == 9 else "NON_CURRENT")
            for absent in ("ImportState", "ExpirationModel", "ValidTo"):
                self.assertNotIn(absent, r)
        explicit = self.rotations(kms, kid, include="ROTATIONS_ONLY")
        self.assertEqual(explicit, rots)
        allm = self.rotations(kms, kid, include="ALL_KEY_MATERIAL")
        self.assertEqual(len(allm), 11)
        self.assertEqual(allm[0]["KeyMaterialId"], first_material)
        self.assertEqual(allm[0]["KeyMaterialState"], "NON_CURRENT")
        self.assertNotIn("RotationDate", allm[0])
        self.assertNotIn("RotationType", allm[0])
        self.assertEqual(allm[1:], rots)

    def test_jump_over_several_periods_rotates_once_per_period(self):
        srv, kms = self.server_with()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=90)
        doc = srv.advance_clock("400d")
        fired = [e for e in doc["fired"] if e.get("keyId") == kid]
        self.assertEqual([parse_iso(e["time"]) for e in fired], [T0 + 90 * k * DAY for k in (1, 2, 3, 4)])
        self.assertEqual([utc(r["RotationDate"]) for r in self.rotations(kms, kid)],
                         [T0 + 90 * k * DAY for k in (1, 2, 3, 4)])
        self.assertEqual(utc(kms.get_key_rotation_status(KeyId=kid)["NextRotationDate"]), T0 + 450 * DAY)

    def test_list_key_rotations_pagination_and_validation(self):
        srv, kms = self.server_with()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        for _ in range(7):
            kms.rotate_key_on_demand(KeyId=kid)
        sizes, marker, seen = [], None, []
        for _ in range(10):
            kw = {"KeyId": kid, "Limit": 3}
            if marker:
                kw["Marker"] = marker
            page = kms.list_key_rotations(**kw)
            sizes.append(len(page["Rotations"]))
            seen += [r["KeyMaterialId"] for r in page["Rotations"]]
            if not page["Truncated"]:
                self.assertNotIn("NextMarker", page)
                break
            marker = page["NextMarker"]
        self.assertEqual(sizes, [3, 3, 1])
        self.assertEqual(len(set(seen)), 7)
        self.assertEqual(seen, [r["KeyMaterialId"] for r in self.rotations(kms, kid)])
        allm = [r["KeyMaterialId"] for r in self.rotations(kms, kid, include="ALL_KEY_MATERIAL", limit=4)]
        self.assertEqual(len(allm), 8)
        self.assertEqual(allm[1:], seen)
        page = kms.list_key_rotations(KeyId=kid, Limit=7)
        self.assertIs(page["Truncated"], False)
        self.assertNotIn("NextMarker", page)
        self.assert_client_error(kms.list_key_rotations, "InvalidMarkerException", ANY_MESSAGE,
                                 KeyId=kid, Marker="Zm9yZ2VkLW1hcmtlcg==")
        self.assert_client_error(kms.list_key_rotations, "ValidationException",
                                 range_message(0, "limit", 1, True), KeyId=kid, Limit=0)
        self.assert_validation_enum(kms.list_key_rotations, "EVERYTHING", "includeKeyMaterial",
                                    ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"],
                                    KeyId=kid, IncludeKeyMaterial="EVERYTHING")
        # A fresh key has no rotations but one material.
        fresh = kms.create_key()["KeyMetadata"]
        page = kms.list_key_rotations(KeyId=fresh["KeyId"])
        self.assertEqual((page["Rotations"], page["Truncated"]), ([], False))
        allm = kms.list_key_rotations(KeyId=fresh["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
        self.assertEqual([(r["KeyMaterialId"], r["KeyMaterialState"]) for r in allm],
                         [(fresh["CurrentKeyMaterialId"], "CURRENT")])

    def test_disabled_key_does_not_rotate_and_rotates_at_once_when_reenabled_overdue(self):
        srv, kms = self.server_with()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=kid)
        ct = kms.encrypt(KeyId=kid, Plaintext=b"before")["CiphertextBlob"]
        kms.disable_key(KeyId=kid)
        doc = srv.advance_clock("400d")
        self.assertEqual([e for e in doc["fired"] if e.get("keyId") == kid], [])
        self.assertEqual(self.rotations(kms, kid), [])
        self.assertIs(kms.get_key_rotation_status(KeyId=kid)["KeyRotationEnabled"], True)
        kms.enable_key(KeyId=kid)
        # "At once": the clock does not move; the server's worker rotates the key.
        rots = wait_until(lambda: self.rotations(kms, kid), timeout=5)
        self.assertEqual(len(rots), 1, "an overdue key must rotate as soon as it is re-enabled")
        self.assertEqual(rots[0]["RotationType"], "AUTOMATIC")
        self.assertEqual(utc(rots[0]["RotationDate"]), T0 + 400 * DAY)
        self.assertEqual(utc(kms.get_key_rotation_status(KeyId=kid)["NextRotationDate"]), T0 + 765 * DAY)
        self.assertEqual(kms.decrypt(CiphertextBlob=ct)["Plaintext"], b"before")
        # Exactly once.
        doc = srv.advance_clock("1s")
        self.assertEqual([e for e in doc["fired"] if e.get("keyId") == kid], [])
        self.assertEqual(len(self.rotations(kms, kid)), 1)

    def test_disabled_key_reenabled_before_due_resumes_schedule(self):
        srv, kms = self.server_with()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=kid)
        srv.advance_clock("100d")
        kms.disable_key(KeyId=kid)
        srv.advance_clock("100d")
        kms.enable_key(KeyId=kid)
        self.assertEqual(utc(kms.get_key_rotation_status(KeyId=kid)["NextRotationDate"]), T0 + 365 * DAY)
        doc = srv.advance_clock("165d")
        self.assertEqual(len([e for e in doc["fired"] if e.get("keyId") == kid]), 1)

    def test_pending_deletion_reports_rotation_off_and_cancel_restores(self):
        srv, kms = self.server_with()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=180)
        srv.advance_clock("170d")
        kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=30)
        st = kms.get_key_rotation_status(KeyId=kid)
        self.assertIs(st["KeyRotationEnabled"], False)
        self.assertNotIn("RotationPeriodInDays", st)
        self.assertNotIn("NextRotationDate", st)
        doc = srv.advance_clock("20d")  # day 190: past the day-180 rotation
        self.assertEqual([e for e in doc["fired"] if e.get("keyId") == kid], [])
        self.assertEqual(self.rotations(kms, kid), [])
        kms.cancel_key_deletion(KeyId=kid)
        st = kms.get_key_rotation_status(KeyId=kid)
        self.assertIs(st["KeyRotationEnabled"], True)
        self.assertEqual(st["RotationPeriodInDays"], 180)
        self.assertEqual(self.rotations(kms, kid), [])  # key is Disabled after cancelling
        kms.enable_key(KeyId=kid)
        rots = wait_until(lambda: self.rotations(kms, kid), timeout=5)
        self.assertEqual(len(rots), 1, "overdue key must rotate at once after cancel + enable")
        self.assertEqual(utc(rots[0]["RotationDate"]), T0 + 190 * DAY)

    def test_pending_deletion_key_is_deleted_not_rotated(self):
        srv, kms = self.server_with()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=90)
        srv.advance_clock("80d")
        kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=30)
        doc = srv.advance_clock("40d")
        events = [e["event"] for e in doc["fired"] if e.get("keyId") == kid]
        self.assertEqual(events, ["DeleteKey"])


class JitterTest(RotationTestBase):

    def test_jittered_rotation_fires_exactly_at_the_reported_date(self):
        srv, kms = self.server_with(VIRTUAL + ["--rotation-jitter", "24h", "--seed", "7"])
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=kid)
        nxt = utc(kms.get_key_rotation_status(KeyId=kid)["NextRotationDate"])
        self.assertTrue(T0 + 365 * DAY <= nxt < T0 + 366 * DAY, nxt)
        just_before = nxt - dt.timedelta(milliseconds=1)
        doc = srv.set_clock(just_before.strftime("%Y-%m-%dT%H:%M:%S.") + f"{just_before.microsecond // 1000:03d}Z")
        self.assertEqual([e for e in doc["fired"] if e.get("keyId") == kid], [])
        doc = srv.set_clock(nxt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{nxt.microsecond // 1000:03d}Z")
        fired = [e for e in doc["fired"] if e.get("keyId") == kid]
        self.assertEqual(len(fired), 1, doc)
        self.assertEqual(parse_iso(fired[0]["time"]), nxt)
        rots = self.rotations(kms, kid)
        self.assertEqual(utc(rots[0]["RotationDate"]), nxt)
        nxt2 = utc(kms.get_key_rotation_status(KeyId=kid)["NextRotationDate"])
        self.assertTrue(nxt + 365 * DAY <= nxt2 < nxt + 366 * DAY, nxt2)

    def test_jitter_is_reproducible_for_a_seed(self):
        # Same key, same enable instant: the same --seed gives the same NextRotationDate,
        # another seed (almost surely) another one.
        def next_date(srv, kms, kid):
            kms.enable_key_rotation(KeyId=kid)
            d = utc(kms.get_key_rotation_status(KeyId=kid)["NextRotationDate"])
            kms.disable_key_rotation(KeyId=kid)
            return d

        base = VIRTUAL + ["--rotation-jitter", "24h"]
        srv, kms = self.server_with(base + ["--seed", "1"], in_memory=False)
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        first = next_date(srv, kms, kid)
        srv.restart()  # the virtual clock starts at T0 again
        self.assertEqual(srv.now(), T0)
        self.assertEqual(next_date(srv, kms, kid), first)
        srv.stop()
        srv.base_args = base + ["--seed", "2"]
        srv.start()
        other = next_date(srv, kms, kid)
        self.assertNotEqual(other, first)
        self.assertTrue(T0 + 365 * DAY <= other < T0 + 366 * DAY, other)

    def test_thousand_keys_enabled_in_one_instant_spread_over_the_jitter_window(self):
        srv, kms = self.server_with(VIRTUAL + ["--rotation-jitter", "24h", "--seed", "42"])
        n = 1000

        client = kms  # boto3 clients are thread-safe; one client, 8 pooled connections

        def make(_):
            kid = client.create_key()["KeyMetadata"]["KeyId"]
            client.enable_key_rotation(KeyId=kid)
            return kid, utc(client.get_key_rotation_status(KeyId=kid)["NextRotationDate"])

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
            results = dict(ex.map(make, range(n), timeout=600))
        self.assertEqual(len(results), n)
        self.assertEqual(srv.now(), T0, "the virtual clock must not have moved")
        dates = list(results.values())
        for d in dates:
            self.assertTrue(T0 + 365 * DAY <= d < T0 + 366 * DAY, d)
        distinct_seconds = {d.replace(microsecond=0) for d in dates}
        self.assertGreaterEqual(len(distinct_seconds), 980,
                                f"only {len(distinct_seconds)} distinct NextRotationDate seconds for {n} keys")
        hours = collections.Counter(int((d - (T0 + 365 * DAY)).total_seconds() // 3600) for d in dates)
        self.assertEqual(set(hours), set(range(24)), hours)
        self.assertTrue(all(15 <= c <= 75 for c in hours.values()), f"uneven spread over the hours: {hours}")
        # And they really fire there, in time order, each at its reported instant.
        srv.advance_clock("365d")
        doc = srv.advance_clock("1d")
        fired = [e for e in doc["fired"] if e["event"] == "RotateKey"]
        self.assertEqual(len(fired), n)
        times = [parse_iso(e["time"]) for e in fired]
        self.assertEqual(times, sorted(times))
        for e in fired:
            self.assertEqual(parse_iso(e["time"]), results[e["keyId"]])
        self.assertEqual((doc["firedCount"], doc["firedListed"], doc["firedByEvent"]), (n, n, {"RotateKey": n}))
        # Two more years at once: 2,000 rotations fire, the answer lists the
        # first 1,000 (every key's next one, in time order) and counts them all.
        doc = srv.advance_clock("733d")  # to T0 + 1,099 days: the 3rd rotations end by day 1,098
        self.assertEqual((doc["firedCount"], doc["firedListed"], doc["firedByEvent"]),
                         (2 * n, 1000, {"RotateKey": 2 * n}))
        self.assertEqual(len(doc["fired"]), 1000)
        self.assertEqual({e["keyId"] for e in doc["fired"]}, set(results))
        times = [parse_iso(e["time"]) for e in doc["fired"]]
        self.assertEqual(times, sorted(times))
        self.assertLess(times[-1], T0 + 733 * DAY)  # the 2nd rotations, all before any 3rd
        self.assertEqual(len(self.rotations(kms, next(iter(results)))), 3)


class OnDemandRotationTest(RotationTestBase):

    def test_on_demand_rotations_up_to_the_limit(self):
        srv, kms = self.server_with()
        md = kms.create_key()["KeyMetadata"]
        kid, arn = md["KeyId"], md["Arn"]
        kms.enable_key_rotation(KeyId=kid)
        next_before = kms.get_key_rotation_status(KeyId=kid)["NextRotationDate"]
        materials = [md["CurrentKeyMaterialId"]]
        cts = []
        for i in range(25):
            cts.append((kms.encrypt(KeyId=kid, Plaintext=f"v{i}".encode())["CiphertextBlob"], f"v{i}".encode()))
            resp = kms.rotate_key_on_demand(KeyId=kid)
            self.assert_key_id_field(resp["KeyId"], kid, "arn")
            cur = self.current_material(kms, kid)
            self.assertNotIn(cur, materials)
            materials.append(cur)
        self.assert_client_error(kms.rotate_key_on_demand, "LimitExceededException",
                                 LIMIT_MSG.format(arn=arn), KeyId=kid)
        self.assert_client_error(kms.rotate_key_on_demand, "LimitExceededException",
                                 LIMIT_MSG.format(arn=arn), KeyId=arn)
        st = kms.get_key_rotation_status(KeyId=kid)
        self.assertEqual(st["NextRotationDate"], next_before, "on-demand rotation must not move the schedule")
        rots = self.rotations(kms, kid)
        self.assertEqual(len(rots), 25)
        self.assertEqual({r["RotationType"] for r in rots}, {"ON_DEMAND"})
        self.assertEqual({utc(r["RotationDate"]) for r in rots}, {T0})
        self.assertEqual([r["KeyMaterialId"] for r in rots], materials[1:])
        for ct, p in cts:
            self.assertEqual(kms.decrypt(CiphertextBlob=ct)["Plaintext"], p)
        # The automatic schedule is still there and still fires.
        doc = srv.advance_clock("365d")
        self.assertEqual(len([e for e in doc["fired"] if e.get("keyId") == kid]), 1)
        self.assertEqual(self.rotations(kms, kid)[-1]["RotationType"], "AUTOMATIC")

    def test_on_demand_works_without_automatic_rotation(self):
        srv, kms = self.server_with()
        md = kms.create_key()["KeyMetadata"]
        kms.rotate_key_on_demand(KeyId=md["KeyId"])
        self.assertNotEqual(self.current_material(kms, md["KeyId"]), md["CurrentKeyMaterialId"])
        self.assertIs(kms.get_key_rotation_status(KeyId=md["KeyId"])["KeyRotationEnabled"], False)

    def test_on_demand_limit_is_configurable(self):
        srv, kms = self.server_with(EXACT + ["--on-demand-rotation-limit", "3"])
        md = kms.create_key()["KeyMetadata"]
        for _ in range(3):
            kms.rotate_key_on_demand(KeyId=md["KeyId"])
        self.assert_client_error(kms.rotate_key_on_demand, "LimitExceededException",
                                 LIMIT_MSG.format(arn=md["Arn"]), KeyId=md["KeyId"])

    def test_long_history_still_decrypts_oldest_and_newest(self):
        srv, kms = self.server_with(EXACT + ["--on-demand-rotation-limit", "300"])
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        first = kms.encrypt(KeyId=kid, Plaintext=b"oldest")["CiphertextBlob"]
        for _ in range(200):
            kms.rotate_key_on_demand(KeyId=kid)
        last = kms.encrypt(KeyId=kid, Plaintext=b"newest")["CiphertextBlob"]
        self.assertEqual(kms.decrypt(CiphertextBlob=first)["Plaintext"], b"oldest")
        self.assertEqual(kms.decrypt(CiphertextBlob=last)["Plaintext"], b"newest")
        self.assertEqual(len(self.rotations(kms, kid)), 200)

    def test_conflict_within_20_minutes_of_an_automatic_rotation(self):
        srv, kms = self.server_with()
        md = kms.create_key()["KeyMetadata"]
        kid = md["KeyId"]
        kms.enable_key_rotation(KeyId=kid)
        due = T0 + 365 * DAY
        srv.set_clock(due - dt.timedelta(minutes=21))
        kms.rotate_key_on_demand(KeyId=kid)  # 21 minutes ahead: allowed
        srv.set_clock(due - dt.timedelta(minutes=19))
        self.assert_client_error(kms.rotate_key_on_demand, "ConflictException", CONFLICT_MSG, KeyId=kid)
        srv.set_clock(due - dt.timedelta(seconds=1))
        self.assert_client_error(kms.rotate_key_on_demand, "ConflictException", CONFLICT_MSG, KeyId=kid)
        doc = srv.set_clock(due)
        self.assertEqual(len([e for e in doc["fired"] if e.get("keyId") == kid]), 1)
        kms.rotate_key_on_demand(KeyId=kid)  # right after the automatic rotation: allowed again
        types = [r["RotationType"] for r in self.rotations(kms, kid)]
        self.assertEqual(types, ["ON_DEMAND", "AUTOMATIC", "ON_DEMAND"])

    def test_delayed_on_demand_rotation_shows_start_date_until_done(self):
        srv, kms = self.server_with(EXACT + ["--on-demand-rotation-delay", "30s"])
        md = kms.create_key()["KeyMetadata"]
        kid = md["KeyId"]
        kms.rotate_key_on_demand(KeyId=kid)
        st = kms.get_key_rotation_status(KeyId=kid)
        self.assertEqual(utc(st["OnDemandRotationStartDate"]), T0)
        self.assertEqual(self.rotations(kms, kid), [])
        self.assertEqual(self.current_material(kms, kid), md["CurrentKeyMaterialId"])
        self.assert_client_error(kms.rotate_key_on_demand, "ConflictException", ANY_MESSAGE, KeyId=kid)
        doc = srv.advance_clock("30s")
        fired = [e for e in doc["fired"] if e.get("keyId") == kid]
        self.assertEqual(len(fired), 1, doc)
        self.assertTrue(fired[0]["detail"].startswith("ON_DEMAND "), fired[0])
        self.assertEqual(parse_iso(fired[0]["time"]), T0 + dt.timedelta(seconds=30))
        st = kms.get_key_rotation_status(KeyId=kid)
        self.assertNotIn("OnDemandRotationStartDate", st)
        rots = self.rotations(kms, kid)
        self.assertEqual([(r["RotationType"], utc(r["RotationDate"])) for r in rots],
                         [("ON_DEMAND", T0 + dt.timedelta(seconds=30))])
        self.assertEqual(rots[0]["KeyMaterialId"], fired[0]["detail"].split(" ", 1)[1])
        self.assertEqual(self.current_material(kms, kid), rots[0]["KeyMaterialId"])


class KeyLastUsageTest(RotationTestBase):

    def test_get_key_last_usage_tracks_successful_crypto_operations(self):
        srv, kms = self.server_with()
        a = kms.create_key()["KeyMetadata"]
        b = kms.create_key()["KeyMetadata"]
        u = kms.get_key_last_usage(KeyId=a["KeyId"])
        self.assert_key_id_field(u["KeyId"], a["KeyId"], "bare")
        self.assertEqual(utc(u["KeyCreationDate"]), T0)
        self.assertEqual(utc(u["TrackingStartDate"]), T0)
        self.assertNotIn("KeyLastUsage", u)

        srv.advance_clock("1d")
        enc = kms.encrypt(KeyId=a["KeyId"], Plaintext=b"used")
        u = kms.get_key_last_usage(KeyId=a["Arn"])["KeyLastUsage"]
        self.assertEqual(u["Operation"], "Encrypt")
        self.assertEqual(utc(u["Timestamp"]), T0 + DAY)
        self.assertEqual(u["KmsRequestId"], enc["ResponseMetadata"]["RequestId"])

        srv.advance_clock("1d")
        # Neither DryRun nor failures count.
        self.assert_client_error(kms.decrypt, "DryRunOperationException",
                                 "The request would have succeeded, but the DryRun option is set.", None,
                                 CiphertextBlob=enc["CiphertextBlob"], DryRun=True)
        self.assert_client_error(kms.decrypt, "InvalidCiphertextException", "",
                                 CiphertextBlob=enc["CiphertextBlob"], EncryptionContext={"x": "y"})
        self.assertEqual(kms.get_key_last_usage(KeyId=a["KeyId"])["KeyLastUsage"]["Operation"], "Encrypt")

        dec = kms.decrypt(CiphertextBlob=enc["CiphertextBlob"])
        u = kms.get_key_last_usage(KeyId=a["KeyId"])["KeyLastUsage"]
        self.assertEqual((u["Operation"], utc(u["Timestamp"])), ("Decrypt", T0 + 2 * DAY))
        self.assertEqual(u["KmsRequestId"], dec["ResponseMetadata"]["RequestId"])

        srv.advance_clock("1h")
        re = kms.re_encrypt(CiphertextBlob=enc["CiphertextBlob"], DestinationKeyId=b["KeyId"])
        for kid in (a["KeyId"], b["KeyId"]):
            u = kms.get_key_last_usage(KeyId=kid)["KeyLastUsage"]
            self.assertEqual((u["Operation"], utc(u["Timestamp"])),
                             ("ReEncrypt", T0 + 2 * DAY + dt.timedelta(hours=1)))
            self.assertEqual(u["KmsRequestId"], re["ResponseMetadata"]["RequestId"])

        kms.generate_data_key(KeyId=b["KeyId"], KeySpec="AES_256")
        self.assertEqual(kms.get_key_last_usage(KeyId=b["KeyId"])["KeyLastUsage"]["Operation"], "GenerateDataKey")
        kms.generate_data_key_without_plaintext(KeyId=b["KeyId"], KeySpec="AES_256")
        self.assertEqual(kms.get_key_last_usage(KeyId=b["KeyId"])["KeyLastUsage"]["Operation"],
                         "GenerateDataKeyWithoutPlaintext")
        # Management operations are not usage.
        kms.describe_key(KeyId=b["KeyId"])
        kms.enable_key_rotation(KeyId=b["KeyId"])
        self.assertEqual(kms.get_key_last_usage(KeyId=b["KeyId"])["KeyLastUsage"]["Operation"],
                         "GenerateDataKeyWithoutPlaintext")

    def test_get_key_last_usage_works_in_every_state(self):
        srv, kms = self.server_with()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.encrypt(KeyId=kid, Plaintext=b"x")
        kms.disable_key(KeyId=kid)
        self.assertEqual(kms.get_key_last_usage(KeyId=kid)["KeyLastUsage"]["Operation"], "Encrypt")
        kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        self.assertEqual(kms.get_key_last_usage(KeyId=kid)["KeyLastUsage"]["Operation"], "Encrypt")


class RotationLabCliV1Test(RotationTestBase):
    """The three-command lab with aws CLI v1 (CLI v2 2.9 lacks list-key-rotations)."""

    def test_three_command_lab(self):
        srv, _kms = self.server_with(EXACT, in_memory=False)
        tmp = tempfile.mkdtemp(prefix="rotor-lab-")
        self.addCleanup(lambda: shutil.rmtree(tmp, ignore_errors=True))
        out = self.assert_cli_ok(srv.cli_v1(["kms", "create-key", "--description", "lab"]))
        kid = out["KeyMetadata"]["KeyId"]
        with open(os.path.join(tmp, "secret.txt"), "wb") as f:
            f.write(b"lab secret")
        out = self.assert_cli_ok(srv.cli_v1(["kms", "encrypt", "--key-id", kid,
                                             "--plaintext", "fileb://secret.txt"], cwd=tmp))
        with open(os.path.join(tmp, "secret.enc"), "wb") as f:
            f.write(base64.b64decode(out["CiphertextBlob"]))

        # 1. enable rotation
        rc, out, err = srv.cli_v1(["kms", "enable-key-rotation", "--key-id", kid])
        self.assertEqual(rc, 0, err)
        # 2. advance 366 days
        doc = srv.advance_clock("366d")
        self.assertEqual([e["event"] for e in doc["fired"] if e.get("keyId") == kid], ["RotateKey"])
        # 3. list-key-rotations shows an AUTOMATIC entry
        out = self.assert_cli_ok(srv.cli_v1(["kms", "list-key-rotations", "--key-id", kid]))
        self.assertEqual(len(out["Rotations"]), 1)
        entry = out["Rotations"][0]
        self.assertEqual(entry["RotationType"], "AUTOMATIC")
        self.assertEqual(entry["KeyMaterialState"], "CURRENT")
        self.assertEqual(cli_time(entry["RotationDate"]), T0 + 365 * DAY)
        # ... and the old ciphertext still decrypts.
        out = self.assert_cli_ok(srv.cli_v1(["kms", "decrypt", "--ciphertext-blob", "fileb://secret.enc"], cwd=tmp))
        self.assertEqual(base64.b64decode(out["Plaintext"]), b"lab secret")
        self.assertNotEqual(out["KeyMaterialId"], entry["KeyMaterialId"])

        out = self.assert_cli_ok(srv.cli_v1(["kms", "get-key-rotation-status", "--key-id", kid]))
        self.assertIs(out["KeyRotationEnabled"], True)
        self.assertEqual(out["RotationPeriodInDays"], 365)
        out = self.assert_cli_ok(srv.cli_v1(["kms", "rotate-key-on-demand", "--key-id", kid]))
        self.assertEqual(out["KeyId"], key_arn(kid))  # the key ARN, as AWS answers
        out = self.assert_cli_ok(srv.cli_v1(["kms", "list-key-rotations", "--key-id", kid,
                                             "--include-key-material", "ALL_KEY_MATERIAL"]))
        self.assertEqual([r.get("RotationType") for r in out["Rotations"]], [None, "AUTOMATIC", "ON_DEMAND"])
        # (The CLI itself rejects values below the model minimum, so probe the maximum.)
        res = srv.cli_v1(["kms", "enable-key-rotation", "--key-id", kid, "--rotation-period-in-days", "2561"])
        self.assert_cli_error(res, "ValidationException",
                              range_message(2561, "rotationPeriodInDays", 2560, False), "EnableKeyRotation")

    def test_cli_v1_on_demand_limit_error(self):
        srv, kms = self.server_with(EXACT + ["--on-demand-rotation-limit", "1"])
        md = kms.create_key()["KeyMetadata"]
        self.assert_cli_ok(srv.cli_v1(["kms", "rotate-key-on-demand", "--key-id", md["KeyId"]]))
        res = srv.cli_v1(["kms", "rotate-key-on-demand", "--key-id", md["KeyId"]])
        self.assert_cli_error(res, "LimitExceededException", LIMIT_MSG.format(arn=md["Arn"]), "RotateKeyOnDemand")


class SchedulerRestartTest(RotationTestBase):

    def test_rotations_due_while_down_fire_once_each_at_start_up(self):
        srv, kms = self.server_with(EXACT, in_memory=False)
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=90)
        ct = kms.encrypt(KeyId=kid, Plaintext=b"from before the outage")["CiphertextBlob"]
        doomed = kms.create_key()["KeyMetadata"]
        kms.schedule_key_deletion(KeyId=doomed["KeyId"], PendingWindowInDays=7)
        steady = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=steady, RotationPeriodInDays=2560)
        self.assertEqual(srv.stop(), 0)

        later = T0 + 365 * DAY
        srv.base_args = ["--clock", "virtual", "--clock-start", iso(later), "--rotation-jitter", "0"]
        srv.start()
        self.assertEqual(srv.now(), later)
        expected = [T0 + 90 * k * DAY for k in (1, 2, 3, 4)]
        rots = wait_until(lambda: (lambda r: r if len(r) >= 4 else None)(self.rotations(kms, kid)), timeout=10)
        self.assertIsNotNone(rots, f"catch-up rotations did not happen: {self.rotations(kms, kid)}")
        self.assertEqual([utc(r["RotationDate"]) for r in rots], expected)
        self.assertEqual({r["RotationType"] for r in rots}, {"AUTOMATIC"})
        self.assertEqual(utc(kms.get_key_rotation_status(KeyId=kid)["NextRotationDate"]), T0 + 450 * DAY)
        self.assert_client_error(kms.describe_key, "NotFoundException",
                                 f"Key '{doomed['Arn']}' does not exist", KeyId=doomed["KeyId"])
        self.assertEqual(self.rotations(kms, steady), [])
        # Nothing fires twice: not on the next tick, not after another restart.
        doc = srv.advance_clock("1s")
        self.assertEqual([e for e in doc["fired"] if e.get("keyId") == kid], [])
        srv.restart()
        self.assertEqual(len(self.rotations(kms, kid)), 4)
        doc = srv.advance_clock("1s")
        self.assertEqual([e for e in doc["fired"] if e.get("keyId") == kid], [])
        self.assertEqual(len(self.rotations(kms, kid)), 4)
        self.assertEqual(kms.decrypt(CiphertextBlob=ct)["Plaintext"], b"from before the outage")


if __name__ == "__main__":
    unittest.main()
