"""Site-wide pages: home, accessibility statement, staff sign-in, staff admin, audit log, dev mailbox."""
