// The privacy feature's pages (notice, consent, retention, a contact's
// export and erasure; the audit log) are lazy-loaded by the router; other
// features import nothing from it.
export {};
