package mongo

import (
	"context"
	"regexp"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
)

type visitorDoc struct {
	Name      string   `bson:"name"`
	Phone     string   `bson:"phone"`
	PageURL   string   `bson:"pageUrl"`
	Referrer  string   `bson:"referrer"`
	UserAgent string   `bson:"userAgent"`
	IP        string   `bson:"ip"`
	UserID    string   `bson:"userId,omitempty"`
	Verified  bool     `bson:"verified,omitempty"`
	Page      *pageDoc `bson:"page,omitempty"`
}

type pageDoc struct {
	Path  string    `bson:"path"`
	Title string    `bson:"title"`
	At    time.Time `bson:"at"`
}

func toPageDoc(p *chat.PageView) *pageDoc {
	if p == nil {
		return nil
	}
	return &pageDoc{Path: p.Path, Title: p.Title, At: p.At}
}

func fromPageDoc(d *pageDoc) *chat.PageView {
	if d == nil {
		return nil
	}
	return &chat.PageView{Path: d.Path, Title: d.Title, At: d.At.UTC()}
}

type answerDoc struct {
	Key   string `bson:"key"`
	Label string `bson:"label"`
	Type  string `bson:"type"`
	Value string `bson:"value"`
}

type previewDoc struct {
	Seq        int64     `bson:"seq"`
	Text       string    `bson:"text"`
	SenderType string    `bson:"senderType"`
	SenderName string    `bson:"senderName"`
	At         time.Time `bson:"at"`
}

// conversationDoc is a conversation as stored. searchName and phoneSearch
// are derived on create so search is a plain substring match: MongoDB has no
// diacritics-insensitive regex, and FerretDB has no text index.
type conversationDoc struct {
	ID             string      `bson:"_id"`
	Status         string      `bson:"status"`
	AssigneeID     string      `bson:"assigneeId"`
	AssigneeName   string      `bson:"assigneeName"`
	AssigneeAvatar string      `bson:"assigneeAvatarUrl,omitempty"`
	Answers        []answerDoc `bson:"answers"`
	Visitor        visitorDoc  `bson:"visitor"`
	SearchName     string      `bson:"searchName"`
	PhoneSearch    string      `bson:"phoneSearch"`
	LastMessage    *previewDoc `bson:"lastMessage"`
	UnreadAgent    int64       `bson:"unreadByAgent"`
	UnreadVisit    int64       `bson:"unreadByVisitor"`
	CreatedAt      time.Time   `bson:"createdAt"`
	UpdatedAt      time.Time   `bson:"updatedAt"`
	AssignedAt     *time.Time  `bson:"assignedAt"`
	ResolvedAt     *time.Time  `bson:"resolvedAt"`
	// priorityRank (chat.Priority.Rank) is what sort=priority orders by:
	// the names do not sort in urgency order.
	Priority        string      `bson:"priority"`
	PriorityRank    int         `bson:"priorityRank"`
	Tags            []string    `bson:"tags"`
	FirstResponseAt *time.Time  `bson:"firstResponseAt"`
	FirstResolvedAt *time.Time  `bson:"firstResolvedAt"`
	Rating          *ratingDoc  `bson:"rating"`
	HandoffAt       *time.Time  `bson:"handoffAt,omitempty"`
	Privacy         *consentDoc `bson:"privacy,omitempty"`
	AnonymizedAt    *time.Time  `bson:"anonymizedAt,omitempty"`
	LeftMessage     string      `bson:"leftMessage,omitempty"`
	AgentReadSeq    int64       `bson:"agentReadSeq,omitempty"`
	VisitorReadSeq  int64       `bson:"visitorReadSeq,omitempty"`
	// contactKey is always written (even ""): documents without it are
	// the ones the contacts backfill has still to index.
	ContactKey           string `bson:"contactKey"`
	ContactConversations int    `bson:"contactConversations,omitempty"`
	Returning            bool   `bson:"returning,omitempty"`
}

type ratingDoc struct {
	Stars   int       `bson:"stars"`
	Comment string    `bson:"comment"`
	At      time.Time `bson:"at"`
}

func toRatingDoc(r *chat.Rating) *ratingDoc {
	if r == nil {
		return nil
	}
	return &ratingDoc{Stars: r.Stars, Comment: r.Comment, At: r.At}
}

// nonNilTags stores tags as [] so clients always get a list.
func nonNilTags(t []string) []string {
	if t == nil {
		return []string{}
	}
	return t
}

func toPreviewDoc(p *chat.Preview) *previewDoc {
	if p == nil {
		return nil
	}
	return &previewDoc{Seq: p.Seq, Text: p.Text, SenderType: string(p.SenderType), SenderName: p.SenderName, At: p.At}
}

func toConversationDoc(c *chat.Conversation) conversationDoc {
	answers := make([]answerDoc, 0, len(c.Answers))
	for _, a := range c.Answers {
		answers = append(answers, answerDoc{Key: a.Key, Label: a.Label, Type: string(a.Type), Value: a.Value})
	}
	v := c.Visitor
	return conversationDoc{
		ID:             c.ID,
		Status:         string(c.Status),
		AssigneeID:     c.AssigneeID,
		AssigneeName:   c.AssigneeName,
		AssigneeAvatar: c.AssigneeAvatarURL,
		Answers:        answers,
		Visitor:        visitorDoc{Name: v.Name, Phone: v.Phone, PageURL: v.PageURL, Referrer: v.Referrer, UserAgent: v.UserAgent, IP: v.IP, UserID: v.UserID, Verified: v.Verified, Page: toPageDoc(v.Page)},
		SearchName:     chat.Fold(v.Name),
		PhoneSearch:    chat.PhoneSearchKey(v.Phone),
		LastMessage:    toPreviewDoc(c.LastMessage),
		UnreadAgent:    c.UnreadAgent,
		UnreadVisit:    c.UnreadVisit,
		CreatedAt:      c.CreatedAt,
		UpdatedAt:      c.UpdatedAt,
		AssignedAt:     c.AssignedAt,
		ResolvedAt:     c.ResolvedAt,

		Priority:        string(c.Priority),
		PriorityRank:    c.Priority.Rank(),
		Tags:            nonNilTags(c.Tags),
		FirstResponseAt: c.FirstResponseAt,
		FirstResolvedAt: c.FirstResolvedAt,
		Rating:          toRatingDoc(c.Rating),
		HandoffAt:       c.HandoffAt,
		Privacy:         toConsentDoc(c.Privacy),
		AnonymizedAt:    c.AnonymizedAt,
		LeftMessage:     c.LeftMessage,
		AgentReadSeq:    c.AgentReadSeq,
		VisitorReadSeq:  c.VisitorReadSeq,

		ContactKey:           c.ContactKey,
		ContactConversations: c.ContactConversations,
		Returning:            c.Returning,
	}
}

func (d *conversationDoc) toDomain() *chat.Conversation {
	answers := make([]chat.Answer, 0, len(d.Answers))
	for _, a := range d.Answers {
		answers = append(answers, chat.Answer{Key: a.Key, Label: a.Label, Type: chat.FieldType(a.Type), Value: a.Value})
	}
	c := &chat.Conversation{
		ID:                d.ID,
		Status:            chat.Status(d.Status),
		AssigneeID:        d.AssigneeID,
		AssigneeName:      d.AssigneeName,
		AssigneeAvatarURL: d.AssigneeAvatar,
		Answers:           answers,
		Visitor: chat.Visitor{Name: d.Visitor.Name, Phone: d.Visitor.Phone, PageURL: d.Visitor.PageURL,
			Referrer: d.Visitor.Referrer, UserAgent: d.Visitor.UserAgent, IP: d.Visitor.IP,
			UserID: d.Visitor.UserID, Verified: d.Visitor.Verified,
			Browser: chat.DescribeUserAgent(d.Visitor.UserAgent), Page: fromPageDoc(d.Visitor.Page)},
		UnreadAgent: d.UnreadAgent,
		UnreadVisit: d.UnreadVisit,
		CreatedAt:   d.CreatedAt,
		UpdatedAt:   d.UpdatedAt,
		AssignedAt:  d.AssignedAt,
		ResolvedAt:  d.ResolvedAt,
		// Documents written before priorities existed read as normal.
		Priority:        chat.Priority(d.Priority).OrDefault(),
		Tags:            nonNilTags(d.Tags),
		FirstResponseAt: d.FirstResponseAt,
		FirstResolvedAt: d.FirstResolvedAt,
		HandoffAt:       d.HandoffAt,
		Privacy:         d.Privacy.toDomain(),
		AnonymizedAt:    d.AnonymizedAt,
		LeftMessage:     d.LeftMessage,
		AgentReadSeq:    d.AgentReadSeq,
		VisitorReadSeq:  d.VisitorReadSeq,

		ContactKey:           d.ContactKey,
		ContactConversations: d.ContactConversations,
		Returning:            d.Returning,
	}
	if r := d.Rating; r != nil {
		c.Rating = &chat.Rating{Stars: r.Stars, Comment: r.Comment, At: r.At}
	}
	if p := d.LastMessage; p != nil {
		c.LastMessage = &chat.Preview{Seq: p.Seq, Text: p.Text, SenderType: chat.SenderType(p.SenderType), SenderName: p.SenderName, At: p.At}
	}
	return c
}

// CreateConversation inserts c, giving it an id when it has none and the
// default priority when it has none.
func (db *DB) CreateConversation(ctx context.Context, c *chat.Conversation) error {
	if c.ID == "" {
		c.ID = newID()
	}
	c.Priority = c.Priority.OrDefault()
	c.Tags = nonNilTags(c.Tags)
	// Answers are queued first: what is stored is then always queued (a
	// job whose conversation failed to be stored is never shown, searches
	// read the conversation).
	if err := db.enqueueAnswers(ctx, c); err != nil {
		return err
	}
	_, err := db.conversations.InsertOne(ctx, toConversationDoc(c))
	return wrap(err, "create conversation")
}

// Conversation returns chat.ErrNotFound when id is unknown.
func (db *DB) Conversation(ctx context.Context, id string) (*chat.Conversation, error) {
	var d conversationDoc
	if err := db.conversations.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return nil, notFound(err, "find conversation")
	}
	return d.toDomain(), nil
}

// timeOrNull turns the "zero time clears it" convention into BSON null.
func timeOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// UpdateConversation sets the non-nil fields of u and updatedAt; it returns
// chat.ErrNotFound when id is unknown.
func (db *DB) UpdateConversation(ctx context.Context, id string, u chat.ConversationUpdate) error {
	var set bson.D
	if !u.UpdatedAt.IsZero() {
		set = append(set, bson.E{Key: "updatedAt", Value: u.UpdatedAt})
	}
	if u.Status != nil {
		set = append(set, bson.E{Key: "status", Value: string(*u.Status)})
	}
	if u.AssigneeID != nil {
		set = append(set, bson.E{Key: "assigneeId", Value: *u.AssigneeID})
	}
	if u.AssigneeName != nil {
		set = append(set, bson.E{Key: "assigneeName", Value: *u.AssigneeName})
	}
	if u.AssigneeAvatar != nil {
		set = append(set, bson.E{Key: "assigneeAvatarUrl", Value: *u.AssigneeAvatar})
	}
	if u.AssignedAt != nil {
		set = append(set, bson.E{Key: "assignedAt", Value: timeOrNull(*u.AssignedAt)})
	}
	if u.ResolvedAt != nil {
		set = append(set, bson.E{Key: "resolvedAt", Value: timeOrNull(*u.ResolvedAt)})
	}
	if u.FirstResolvedAt != nil {
		set = append(set, bson.E{Key: "firstResolvedAt", Value: timeOrNull(*u.FirstResolvedAt)})
	}
	if u.Priority != nil {
		p := u.Priority.OrDefault()
		set = append(set, bson.E{Key: "priority", Value: string(p)}, bson.E{Key: "priorityRank", Value: p.Rank()})
	}
	if u.Tags != nil {
		set = append(set, bson.E{Key: "tags", Value: nonNilTags(*u.Tags)})
	}
	if u.HandoffAt != nil {
		set = append(set, bson.E{Key: "handoffAt", Value: timeOrNull(*u.HandoffAt)})
	}
	if u.Rating != nil {
		set = append(set, bson.E{Key: "rating", Value: toRatingDoc(u.Rating)})
	}
	if u.VisitorPage != nil {
		set = append(set, bson.E{Key: "visitor.page", Value: toPageDoc(u.VisitorPage)})
	}
	if len(set) == 0 {
		return nil
	}
	res, err := db.conversations.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: set}})
	return writtenOne(res, err, "update conversation")
}

// TouchConversations writes coalesced activity in one unordered bulk write.
// Each touch is two updates of the same document: counters and updatedAt
// unconditionally, the preview only when it is newer than the stored one
// (the filter does the comparison, so no read is needed). updatedAt uses
// $max so a late touch cannot move it back either. Unknown ids are ignored.
//
// On MongoDB each update is atomic. FerretDB v1 evaluates the filter and
// writes in two steps, so two nodes touching the same conversation at the
// same instant could still let the older preview win there.
func (db *DB) TouchConversations(ctx context.Context, touches []chat.ConversationTouch) error {
	models := make([]mongo.WriteModel, 0, len(touches))
	for _, t := range touches {
		// Filter on _id alone and $set only: FerretDB resolves that with one
		// primary-key lookup, while any other predicate or operator ($max, a
		// condition on lastMessage.seq) scans the collection per statement.
		// The service coalesces touches per conversation and per node, so
		// the newest preview is what each flush carries.
		var set bson.D
		if !t.UpdatedAt.IsZero() { // zero: not activity (a read), keep the order
			set = append(set, bson.E{Key: "updatedAt", Value: t.UpdatedAt})
		}
		if t.UnreadAgent != nil {
			set = append(set, bson.E{Key: "unreadByAgent", Value: *t.UnreadAgent})
		}
		if t.UnreadVisit != nil {
			set = append(set, bson.E{Key: "unreadByVisitor", Value: *t.UnreadVisit})
		}
		if t.LastMessage != nil {
			set = append(set, bson.E{Key: "lastMessage", Value: toPreviewDoc(t.LastMessage)})
		}
		if t.FirstResponseAt != nil {
			set = append(set, bson.E{Key: "firstResponseAt", Value: *t.FirstResponseAt})
		}
		if t.AgentReadSeq != nil {
			set = append(set, bson.E{Key: "agentReadSeq", Value: *t.AgentReadSeq})
		}
		if t.VisitorReadSeq != nil {
			set = append(set, bson.E{Key: "visitorReadSeq", Value: *t.VisitorReadSeq})
		}
		if len(set) == 0 {
			continue
		}
		models = append(models, mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: t.ID}}).
			SetUpdate(bson.D{{Key: "$set", Value: set}}))
	}
	// FerretDB v1 stalls on update commands with about a hundred
	// statements; small chunks are as fast and safe on MongoDB too.
	const chunk = 20
	for i := 0; i < len(models); i += chunk {
		end := min(i+chunk, len(models))
		if _, err := db.conversations.BulkWrite(ctx, models[i:end], options.BulkWrite().SetOrdered(false)); err != nil {
			return wrap(err, "touch conversations")
		}
	}
	return nil
}

// FindConversations pages through conversations matching f, newest first by
// creation or by activity, ties broken by _id, both descending. The priority
// order puts priorityRank first (urgent first), then activity, then _id.
func (db *DB) FindConversations(ctx context.Context, f chat.ConversationFilter, order chat.SortOrder) ([]*chat.Conversation, string, error) {
	var sortField string
	switch order {
	case chat.SortCreatedDesc:
		sortField = "createdAt"
	case chat.SortUpdatedDesc, chat.SortPriority:
		sortField = "updatedAt"
	default:
		return nil, "", chat.ErrBadOrder
	}
	limit := f.PageSize()
	// Clauses are ANDed explicitly because the search, the priority filter
	// and the cursor each need their own $or.
	and, ok := conversationFilter(f)
	if !ok {
		return []*chat.Conversation{}, "", nil
	}
	if f.Cursor != "" {
		c, err := chat.DecodeCursor(f.Cursor, order)
		if err != nil {
			return nil, "", err
		}
		at := time.UnixMilli(c.At).UTC()
		after := bson.A{
			bson.D{{Key: sortField, Value: bson.D{{Key: "$lt", Value: at}}}},
			bson.D{{Key: sortField, Value: at}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: c.ID}}}},
		}
		if order == chat.SortPriority {
			// Same rank and later in (updatedAt, _id), or any lower rank.
			after = bson.A{
				bson.D{{Key: "priorityRank", Value: bson.D{{Key: "$lt", Value: c.Rank}}}},
				bson.D{{Key: "priorityRank", Value: c.Rank}, {Key: sortField, Value: bson.D{{Key: "$lt", Value: at}}}},
				bson.D{{Key: "priorityRank", Value: c.Rank}, {Key: sortField, Value: at}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: c.ID}}}},
			}
		}
		and = append(and, bson.D{{Key: "$or", Value: after}})
	}
	filter := bson.D{}
	if len(and) > 0 {
		filter = bson.D{{Key: "$and", Value: and}}
	}
	sortBy := bson.D{{Key: sortField, Value: -1}, {Key: "_id", Value: -1}}
	if order == chat.SortPriority {
		sortBy = append(bson.D{{Key: "priorityRank", Value: -1}}, sortBy...)
	}
	// One extra row tells whether another page exists without a count.
	opts := options.Find().SetSort(sortBy).SetLimit(int64(limit + 1))
	list, err := db.findConversations(ctx, filter, opts)
	if err != nil {
		return nil, "", err
	}
	page, next := chat.CutPage(list, limit, order)
	return page, next, nil
}

// conversationFilter turns f (less its cursor) into AND clauses; ok is false
// when the query can match nothing. User text only ever reaches a query as a
// string value or a regexp.QuoteMeta pattern.
func conversationFilter(f chat.ConversationFilter) (and bson.A, ok bool) {
	if q := strings.TrimSpace(f.Query); q != "" {
		var or bson.A
		// A query of only combining marks folds to "", which as a pattern
		// would match every name.
		if name := chat.Fold(q); name != "" {
			or = append(or, bson.D{{Key: "searchName", Value: bson.D{{Key: "$regex", Value: regexp.QuoteMeta(name)}}}})
		}
		// Only phone-shaped input searches phones: "#1234" is an order
		// number, not any phone holding 1234.
		for _, k := range chat.PhoneQuery(q) {
			or = append(or, bson.D{{Key: "phoneSearch", Value: bson.D{{Key: "$regex", Value: regexp.QuoteMeta(k)}}}})
		}
		if len(or) == 0 {
			return nil, false
		}
		and = append(and, bson.D{{Key: "$or", Value: or}})
	}
	if len(f.Statuses) > 0 {
		in := make(bson.A, 0, len(f.Statuses))
		for _, s := range f.Statuses {
			in = append(in, string(s))
		}
		and = append(and, bson.D{{Key: "status", Value: bson.D{{Key: "$in", Value: in}}}})
	}
	if f.AssigneeID != nil {
		and = append(and, bson.D{{Key: "assigneeId", Value: *f.AssigneeID}})
	}
	if f.From != nil {
		and = append(and, bson.D{{Key: "createdAt", Value: bson.D{{Key: "$gte", Value: *f.From}}}})
	}
	if f.To != nil {
		and = append(and, bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: *f.To}}}})
	}
	if len(f.Priorities) > 0 {
		in := make(bson.A, 0, len(f.Priorities))
		or := bson.A{}
		for _, p := range f.Priorities {
			in = append(in, string(p))
			if p == chat.PriorityNormal {
				// Documents from before priorities existed count as normal
				// (EnsureIndexes backfills them; this covers a rolling update).
				or = append(or, bson.D{{Key: "priority", Value: bson.D{{Key: "$exists", Value: false}}}})
			}
		}
		or = append(or, bson.D{{Key: "priority", Value: bson.D{{Key: "$in", Value: in}}}})
		and = append(and, bson.D{{Key: "$or", Value: or}})
	}
	if f.Tag != "" {
		// Equality on an array field matches documents holding that element.
		and = append(and, bson.D{{Key: "tags", Value: f.Tag}})
	}
	return and, true
}

// WaitingConversations returns up to limit waiting conversations, oldest
// first (FIFO queue draining). limit <= 0 means 100.
func (db *DB) WaitingConversations(ctx context.Context, limit int) ([]*chat.Conversation, error) {
	if limit <= 0 {
		limit = 100
	}
	return db.findConversations(ctx,
		bson.D{{Key: "status", Value: string(chat.StatusWaiting)}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

// AssignedConversations returns the conversations agentID owns, oldest first.
func (db *DB) AssignedConversations(ctx context.Context, agentID string) ([]*chat.Conversation, error) {
	return db.findConversations(ctx,
		bson.D{{Key: "status", Value: string(chat.StatusAssigned)}, {Key: "assigneeId", Value: agentID}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
}

func (db *DB) findConversations(ctx context.Context, filter bson.D, opts *options.FindOptionsBuilder) ([]*chat.Conversation, error) {
	return findAll[conversationDoc, *chat.Conversation](ctx, db.conversations, filter, opts, "conversations")
}
