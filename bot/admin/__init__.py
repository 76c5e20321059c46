"""Administration: roles and invitations, content editing, unanswered questions, statistics."""
