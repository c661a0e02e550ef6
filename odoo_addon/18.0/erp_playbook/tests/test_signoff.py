# Copyright 2025 erp-playbook contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ErpPlaybookCase


@tagged("post_install", "-at_install")
class TestSignoff(ErpPlaybookCase):
    def test_signed_signoff_cannot_be_edited_or_deleted(self):
        signoff = self.sign(self.signoffs["solution_confirmed"])
        self.assertEqual(signoff.signer_id, self.customer_contact)
        self.assertTrue(signoff.date_signed)
        for vals in ({"name": "Something else"}, {"date_signed": "2020-01-01"}, {"state": "requested"}):
            with self.assertRaisesRegex(UserError, "Supersede"):
                signoff.write(vals)
        with self.assertRaises(UserError):
            signoff.unlink()
        self.assertEqual(signoff.state, "signed")

    def test_rewriting_the_same_values_on_a_signed_signoff_is_allowed(self):
        signoff = self.sign(self.signoffs["solution_confirmed"])
        # What an idempotent re-provisioning sends: the values the record already has.
        signoff.write({"name": signoff.name, "hard": signoff.hard, "project_id": signoff.project_id.id})
        signoff.write({"date_signed": signoff.date_signed, "signer_id": signoff.signer_id.id})
        with self.assertRaises(UserError):
            signoff.write({"name": signoff.name, "hard": not signoff.hard})
        self.assertEqual(signoff.state, "signed")

    def test_supersede_keeps_the_signed_record_and_requests_anew(self):
        signoff = self.sign(self.signoffs["solution_confirmed"])
        signed_on = signoff.date_signed
        signoff.action_supersede()
        successor = signoff.superseded_by_id
        self.assertEqual(signoff.state, "superseded")
        self.assertEqual(signoff.date_signed, signed_on)
        self.assertEqual(successor.state, "requested")
        self.assertEqual(successor.supersedes_id, signoff)
        self.assertEqual((successor.key, successor.project_id), (signoff.key, signoff.project_id))
        self.assertFalse(successor.signer_id)
        with self.assertRaises(UserError):
            signoff.write({"name": "Edited after supersede"})

    def test_only_signed_signoffs_can_be_superseded(self):
        with self.assertRaises(UserError):
            self.signoffs["solution_confirmed"].action_supersede()

    def test_signing_needs_a_signer(self):
        signoff = self.signoffs["solution_confirmed"]
        signoff.action_request()
        with self.assertRaisesRegex(UserError, "Signed By"):
            signoff.action_sign()

    def test_state_changes_are_tracked_in_the_chatter(self):
        signoff = self.signoffs["solution_confirmed"]
        self.sign(signoff)
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = signoff.message_ids.tracking_value_ids.mapped("field_id.name")
        self.assertIn("state", tracked)
        self.assertIn("signer_id", tracked)
        self.assertIn("date_signed", tracked)
