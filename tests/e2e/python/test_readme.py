"""The README's quick start, as a user pastes it (issue 15, part 4): its "Quick start" and "Watch
rotation happen" blocks run by bash, word for word, against one Rotor started as the README starts
it (--clock virtual --in-memory), with Debian's aws CLI v2 (2.9) as `aws` and the real binary as
`build-release/rotor`; pasted twice in a row, and again after "Watch rotation happen".

The only change to the text: the README's http://127.0.0.1:4599 becomes this server's port (and
ROTOR_PORT tells `rotor clock` the same).
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from rotor_harness import (CLI_V2, REPO_ROOT, ROTOR_BIN, RotorServer, RotorTestCase,
                           binary_available)


def readme_block(section: str, index: int) -> str:
    """The `index`-th ```sh block under the README heading `section`."""
    with open(os.path.join(REPO_ROOT, "README.md")) as f:
        text = f.read()
    start = text.index(f"## {section}\n")
    end = text.find("\n## ", start + 1)
    blocks = re.findall(r"```sh\n(.*?)```", text[start:end if end != -1 else None], re.S)
    return blocks[index]


@unittest.skipUnless(binary_available() and os.access(CLI_V2, os.X_OK),
                     "needs the rotor binary and Debian's aws CLI v2")
class ReadmeQuickStartTest(RotorTestCase):
    def setUp(self):
        # Terminal 1, as the README starts it.
        self.assertEqual(readme_block("Quick start (aws CLI)", 0).strip(),
                         "scripts/run.sh --clock virtual --in-memory")
        self.srv = RotorServer(["--clock", "virtual"], in_memory=True)
        self.addCleanup(self.srv.cleanup)
        self.srv.start()
        # Terminal 2's "repository root": build-release/rotor, and `aws` is Debian's v2.
        self.root = tempfile.mkdtemp(prefix="rotor-readme-")
        self.addCleanup(shutil.rmtree, self.root, True)
        os.makedirs(os.path.join(self.root, "build-release"))
        os.symlink(ROTOR_BIN, os.path.join(self.root, "build-release", "rotor"))
        os.makedirs(os.path.join(self.root, "bin"))
        os.symlink(CLI_V2, os.path.join(self.root, "bin", "aws"))

    def paste(self, section: str, index: int):
        script = readme_block(section, index).replace("http://127.0.0.1:4599", self.srv.url)
        env = self.srv.cli_env()
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_REGION",
                  "AWS_PAGER", "AWS_DEFAULT_OUTPUT"):
            env.pop(k, None)  # the block sets what it needs
        env["PATH"] = os.path.join(self.root, "bin") + os.pathsep + env.get("PATH", "")
        env = {k: v for k, v in env.items() if not k.startswith("ROTOR_")}
        env["ROTOR_PORT"] = str(self.srv.port)  # `rotor clock`'s default, 4599 in the README
        p = subprocess.run(["bash", "-c", script], capture_output=True, cwd=self.root, env=env,
                           timeout=120, stdin=subprocess.DEVNULL)
        return p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")

    def check_quick_start(self):
        out, err = self.paste("Quick start (aws CLI)", 1)
        # The one error is the one the README announces, on the last line.
        self.assertEqual(re.findall(r"An error occurred \((\w+)\)", err), ["DisabledException"], err)
        self.assertRegex(err, r"is disabled\.\n$")
        self.assertIn('"KeyState": "Enabled"', out)  # describe-key of alias/demo, before disabling
        self.assertRegex(out, r"\n[A-Za-z0-9+/]{40,}=*\n")  # the ciphertext of the first encrypt

    def test_pasted_twice_in_a_row(self):
        self.check_quick_start()
        self.check_quick_start()

    def test_watch_rotation_then_quick_start_again(self):
        self.check_quick_start()
        out, err = self.paste("Watch rotation happen", 0)
        self.assertEqual(err, "")
        self.assertRegex(out, r"next event \d{4}-")
        self.assertRegex(out, r"; 1 event fired\n  \S+  RotateKey  [0-9a-f-]{36}  111122223333 "
                              r"us-east-1  AUTOMATIC [0-9a-f]{64}\n")
        self.assertIn('"KeyRotationEnabled": true', out)
        self.check_quick_start()
        # And the rotation block once more: a second key, its own rotation.
        out, err = self.paste("Watch rotation happen", 0)
        self.assertEqual(err, "")
        self.assertIn("RotateKey", out)


if __name__ == "__main__":
    unittest.main()
