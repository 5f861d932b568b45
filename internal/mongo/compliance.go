package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// What abuse controls and the personal data law keep (desk.ComplianceStore).
// Collections: audit (append-only), blocks, privacy_notices, login_records;
// the privacy settings live in settings beside the others. Every read on a
// request's path is by _id or of a small collection (blocks); the rest
// (audit pages, a phone's conversations, retention) are admin or
// background work, which FerretDB serves by scanning.
const (
	collAudit          = "audit"
	collBlocks         = "blocks"
	collPrivacyNotices = "privacy_notices"
	collLoginRecords   = "login_records"
	privacySettingsID  = "privacy"
)

type consentDoc struct {
	NoticeVersion int       `bson:"noticeVersion"`
	Consented     bool      `bson:"consented"`
	At            time.Time `bson:"at"`
}

func toConsentDoc(p *chat.PrivacyConsent) *consentDoc {
	if p == nil {
		return nil
	}
	d := consentDoc(*p)
	return &d
}

func (d *consentDoc) toDomain() *chat.PrivacyConsent {
	if d == nil {
		return nil
	}
	p := chat.PrivacyConsent(*d)
	return &p
}

// complianceIndexes are the indexes of the collections above, and of the
// conversation fields they query (MongoDB uses them; FerretDB scans).
func (db *DB) complianceIndexes() []indexSpec {
	return []indexSpec{
		{db.conversations, "visitor_phone", bson.D{{Key: "visitor.phone", Value: 1}}, false},
		{db.db.Collection(collAudit), "action_id", bson.D{{Key: "action", Value: 1}, {Key: "_id", Value: -1}}, false},
	}
}

type auditDoc struct {
	ID        string    `bson:"_id"`
	At        time.Time `bson:"at"`
	ActorID   string    `bson:"actorId"`
	ActorName string    `bson:"actorName"`
	ActorRole string    `bson:"actorRole"`
	Action    string    `bson:"action"`
	Target    string    `bson:"target"`
	Detail    string    `bson:"detail"`
	IP        string    `bson:"ip"`
}

// AppendAudit inserts e (never updates: the log is append-only).
func (db *DB) AppendAudit(ctx context.Context, e *chat.AuditEntry) error {
	if e.ID == "" {
		e.ID = chat.NewAuditID(e.At)
	}
	_, err := db.db.Collection(collAudit).InsertOne(ctx, auditDoc(*e))
	return wrap(err, "append audit entry")
}

// AuditEntries pages the log newest first by _id: ids begin with their
// second, so this is time order, and the cursor is the last id.
func (db *DB) AuditEntries(ctx context.Context, f chat.AuditFilter) ([]*chat.AuditEntry, string, error) {
	limit := auditLimit(f.Limit)
	filter := bson.D{}
	if f.Before != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: f.Before}}})
	}
	if len(f.Actions) > 0 {
		filter = append(filter, bson.E{Key: "action", Value: bson.D{{Key: "$in", Value: f.Actions}}})
	}
	cur, err := db.db.Collection(collAudit).Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(limit+1)))
	if err != nil {
		return nil, "", wrap(err, "find audit entries")
	}
	var docs []auditDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, "", wrap(err, "read audit entries")
	}
	out := make([]*chat.AuditEntry, 0, len(docs))
	for _, d := range docs {
		e := chat.AuditEntry(d)
		e.At = e.At.UTC()
		out = append(out, &e)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

// auditLimit bounds a page (default 50, at most 200), as internal/inmem does.
func auditLimit(n int) int {
	if n <= 0 {
		return 50
	}
	return min(n, 200)
}

type blockDoc struct {
	ID             string     `bson:"_id"`
	Kind           string     `bson:"kind"`
	Value          string     `bson:"value"`
	Reason         string     `bson:"reason"`
	ExpiresAt      *time.Time `bson:"expiresAt"`
	ConversationID string     `bson:"conversationId"`
	CreatedAt      time.Time  `bson:"createdAt"`
	CreatedByID    string     `bson:"createdById"`
	CreatedByName  string     `bson:"createdByName"`
}

// CreateBlock inserts b, giving it an id when it has none.
func (db *DB) CreateBlock(ctx context.Context, b *chat.Block) error {
	if b.ID == "" {
		b.ID = chat.NewID()
	}
	d := blockDoc{ID: b.ID, Kind: string(b.Kind), Value: b.Value, Reason: b.Reason, ExpiresAt: b.ExpiresAt,
		ConversationID: b.ConversationID, CreatedAt: b.CreatedAt, CreatedByID: b.CreatedByID, CreatedByName: b.CreatedByName}
	_, err := db.db.Collection(collBlocks).InsertOne(ctx, d)
	return wrap(err, "create block")
}

// Blocks returns every block, newest first.
func (db *DB) Blocks(ctx context.Context) ([]*chat.Block, error) {
	cur, err := db.db.Collection(collBlocks).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}))
	if err != nil {
		return nil, wrap(err, "find blocks")
	}
	var docs []blockDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrap(err, "read blocks")
	}
	out := make([]*chat.Block, 0, len(docs))
	for _, d := range docs {
		b := &chat.Block{ID: d.ID, Kind: chat.BlockKind(d.Kind), Value: d.Value, Reason: d.Reason, ConversationID: d.ConversationID,
			CreatedAt: d.CreatedAt.UTC(), CreatedByID: d.CreatedByID, CreatedByName: d.CreatedByName}
		if d.ExpiresAt != nil {
			t := d.ExpiresAt.UTC()
			b.ExpiresAt = &t
		}
		out = append(out, b)
	}
	return out, nil
}

// DeleteBlock removes a block by id.
func (db *DB) DeleteBlock(ctx context.Context, id string) error {
	res, err := db.db.Collection(collBlocks).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return wrap(err, "delete block")
	}
	if res.DeletedCount == 0 {
		return chat.ErrNotFound
	}
	return nil
}

type privacyDoc struct {
	ID              string     `bson:"_id"`
	Notice          string     `bson:"notice"`
	ConsentRequired bool       `bson:"consentRequired"`
	ConsentLabel    string     `bson:"consentLabel"`
	Version         int        `bson:"version"`
	UpdatedAt       *time.Time `bson:"updatedAt"`
	RetentionMonths int        `bson:"retentionMonths"`
	RetentionMode   string     `bson:"retentionMode"`
}

// PrivacySettings returns the saved settings or the defaults.
func (db *DB) PrivacySettings(ctx context.Context) (chat.PrivacySettings, error) {
	var d privacyDoc
	err := db.settings.FindOne(ctx, bson.D{{Key: "_id", Value: privacySettingsID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return chat.DefaultPrivacySettings(), nil
	}
	if err != nil {
		return chat.PrivacySettings{}, wrap(err, "find privacy settings")
	}
	p := chat.PrivacySettings{Notice: d.Notice, ConsentRequired: d.ConsentRequired, ConsentLabel: d.ConsentLabel, Version: d.Version,
		RetentionMonths: d.RetentionMonths, RetentionMode: chat.RetentionMode(d.RetentionMode)}
	if d.UpdatedAt != nil {
		t := d.UpdatedAt.UTC()
		p.UpdatedAt = &t
	}
	return p, nil
}

// SavePrivacySettings replaces the privacy settings document.
func (db *DB) SavePrivacySettings(ctx context.Context, p chat.PrivacySettings) error {
	d := privacyDoc{ID: privacySettingsID, Notice: p.Notice, ConsentRequired: p.ConsentRequired, ConsentLabel: p.ConsentLabel,
		Version: p.Version, UpdatedAt: p.UpdatedAt, RetentionMonths: p.RetentionMonths, RetentionMode: string(p.RetentionMode)}
	_, err := db.settings.ReplaceOne(ctx, bson.D{{Key: "_id", Value: privacySettingsID}}, d, options.Replace().SetUpsert(true))
	if dup, _ := duplicateIndex(err); dup { // two first saves racing: the loser replaces
		_, err = db.settings.ReplaceOne(ctx, bson.D{{Key: "_id", Value: privacySettingsID}}, d, options.Replace().SetUpsert(true))
	}
	return wrap(err, "save privacy settings")
}

type privacyNoticeDoc struct {
	Version         int       `bson:"_id"`
	Notice          string    `bson:"notice"`
	ConsentRequired bool      `bson:"consentRequired"`
	ConsentLabel    string    `bson:"consentLabel"`
	PublishedAt     time.Time `bson:"publishedAt"`
	PublishedByID   string    `bson:"publishedById"`
	PublishedByName string    `bson:"publishedByName"`
}

// PublishPrivacyNotice inserts a version; its _id is the version, so two
// admins publishing the same number get one winner (chat.ErrDuplicateKey).
func (db *DB) PublishPrivacyNotice(ctx context.Context, n chat.PrivacyNotice) error {
	_, err := db.db.Collection(collPrivacyNotices).InsertOne(ctx, privacyNoticeDoc(n))
	if dup, _ := duplicateIndex(err); dup {
		return chat.ErrDuplicateKey
	}
	return wrap(err, "publish privacy notice")
}

// PrivacyNotices returns every version, newest first.
func (db *DB) PrivacyNotices(ctx context.Context) ([]chat.PrivacyNotice, error) {
	cur, err := db.db.Collection(collPrivacyNotices).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}))
	if err != nil {
		return nil, wrap(err, "find privacy notices")
	}
	var docs []privacyNoticeDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrap(err, "read privacy notices")
	}
	out := make([]chat.PrivacyNotice, 0, len(docs))
	for _, d := range docs {
		n := chat.PrivacyNotice(d)
		n.PublishedAt = n.PublishedAt.UTC()
		out = append(out, n)
	}
	return out, nil
}

// ConversationsByPhone returns a phone's conversations, oldest first.
func (db *DB) ConversationsByPhone(ctx context.Context, phone string) ([]*chat.Conversation, error) {
	if phone == "" {
		return []*chat.Conversation{}, nil
	}
	return db.findConversations(ctx, bson.D{{Key: "visitor.phone", Value: phone}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
}

// ConversationsIdleSince returns conversations idle since before cutoff,
// not anonymized, oldest activity first.
func (db *DB) ConversationsIdleSince(ctx context.Context, cutoff time.Time, limit int) ([]*chat.Conversation, error) {
	opts := options.Find().SetSort(bson.D{{Key: "updatedAt", Value: 1}, {Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	return db.findConversations(ctx, bson.D{
		{Key: "updatedAt", Value: bson.D{{Key: "$lt", Value: cutoff}}},
		{Key: "anonymizedAt", Value: nil},
	}, opts)
}

// DeleteConversation removes the conversation document.
func (db *DB) DeleteConversation(ctx context.Context, id string) error {
	_, err := db.conversations.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return wrap(err, "delete conversation")
}

// DeleteMessages removes a conversation's messages, and its texts (the
// form answers included) from the search index.
func (db *DB) DeleteMessages(ctx context.Context, conversationID string) (int, error) {
	res, err := db.messages.DeleteMany(ctx, bson.D{{Key: "conversationId", Value: conversationID}})
	if err != nil {
		return 0, wrap(err, "delete messages")
	}
	if err := db.purgeSearch(ctx, conversationID); err != nil {
		return 0, err
	}
	return int(res.DeletedCount), nil
}

// AnonymizeConversation rewrites the document without its visitor. A read
// then a replace: the caller holds the conversation's lock (FerretDB
// rewrites whole documents anyway).
func (db *DB) AnonymizeConversation(ctx context.Context, id string, at time.Time) error {
	c, err := db.Conversation(ctx, id)
	if err != nil {
		return err
	}
	chat.Anonymize(c, at)
	_, err = db.conversations.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, toConversationDoc(c))
	return wrap(err, "anonymize conversation")
}

type loginRecordDoc struct {
	ID            string            `bson:"_id"`
	KnownNetworks []knownNetworkDoc `bson:"knownNetworks"`
	Failures      struct {
		Count     int        `bson:"count"`
		First     *time.Time `bson:"first"`
		Last      *time.Time `bson:"last"`
		Addresses []string   `bson:"addresses"`
	} `bson:"failures"`
}

type knownNetworkDoc struct {
	Network string    `bson:"network"`
	At      time.Time `bson:"at"`
}

// LoginRecord reads an account's record by _id (zero when none).
func (db *DB) LoginRecord(ctx context.Context, agentID string) (chat.LoginRecord, error) {
	var d loginRecordDoc
	err := db.db.Collection(collLoginRecords).FindOne(ctx, bson.D{{Key: "_id", Value: agentID}}).Decode(&d)
	out := chat.LoginRecord{KnownNetworks: []chat.KnownNetwork{}, Failures: chat.LoginFailures{Addresses: []string{}}}
	if errors.Is(err, mongo.ErrNoDocuments) {
		return out, nil
	}
	if err != nil {
		return out, wrap(err, "find login record")
	}
	for _, n := range d.KnownNetworks {
		out.KnownNetworks = append(out.KnownNetworks, chat.KnownNetwork{Network: n.Network, At: n.At.UTC()})
	}
	f := d.Failures
	out.Failures.Count = f.Count
	out.Failures.First, out.Failures.Last = utcPtr(f.First), utcPtr(f.Last)
	if f.Addresses != nil {
		out.Failures.Addresses = f.Addresses
	}
	return out, nil
}

// SaveLoginRecord replaces an account's record.
func (db *DB) SaveLoginRecord(ctx context.Context, agentID string, r chat.LoginRecord) error {
	d := loginRecordDoc{ID: agentID, KnownNetworks: []knownNetworkDoc{}}
	for _, n := range r.KnownNetworks {
		d.KnownNetworks = append(d.KnownNetworks, knownNetworkDoc(n))
	}
	d.Failures.Count, d.Failures.First, d.Failures.Last = r.Failures.Count, r.Failures.First, r.Failures.Last
	d.Failures.Addresses = r.Failures.Addresses
	if d.Failures.Addresses == nil {
		d.Failures.Addresses = []string{}
	}
	coll := db.db.Collection(collLoginRecords)
	_, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: agentID}}, d, options.Replace().SetUpsert(true))
	if dup, _ := duplicateIndex(err); dup {
		_, err = coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: agentID}}, d, options.Replace().SetUpsert(true))
	}
	return wrap(err, "save login record")
}
