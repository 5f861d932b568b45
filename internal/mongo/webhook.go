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

// Webhook endpoints and the durable delivery queue (desk.IntegrationStore).
// A delivery is inserted before the request that caused it returns and is
// then written only by the node holding its claim (a Redis named lock), by
// _id: no racing read-modify-write, which FerretDB would not make atomic.
const (
	collWebhooks   = "webhooks"
	collDeliveries = "webhook_deliveries"
)

func (db *DB) webhooks() *mongo.Collection   { return db.db.Collection(collWebhooks) }
func (db *DB) deliveries() *mongo.Collection { return db.db.Collection(collDeliveries) }

// integrationIndexes serve the poll of due deliveries on every node (an
// index seek on MongoDB; FerretDB scans the collection, which retention
// keeps small), the admin's list per endpoint and the retention sweep.
func (db *DB) integrationIndexes() []indexSpec {
	return []indexSpec{
		{db.deliveries(), "status_nextAttemptAt", bson.D{{Key: "status", Value: 1}, {Key: "nextAttemptAt", Value: 1}}, false},
		{db.deliveries(), "endpointId_createdAt", bson.D{{Key: "endpointId", Value: 1}, {Key: "createdAt", Value: -1}}, false},
		{db.deliveries(), "createdAt", bson.D{{Key: "createdAt", Value: 1}}, false},
		{db.deliveries(), "conversationId", bson.D{{Key: "conversationId", Value: 1}}, false},
	}
}

type webhookDoc struct {
	ID           string    `bson:"_id"`
	URL          string    `bson:"url"`
	Description  string    `bson:"description"`
	Events       []string  `bson:"events"`
	Secret       string    `bson:"secret"`
	AllowPrivate bool      `bson:"allowPrivate"`
	Enabled      bool      `bson:"enabled"`
	CreatedAt    time.Time `bson:"createdAt"`
	UpdatedAt    time.Time `bson:"updatedAt"`
}

func toWebhookDoc(e *chat.WebhookEndpoint) webhookDoc {
	events := e.Events
	if events == nil {
		events = []string{}
	}
	return webhookDoc{ID: e.ID, URL: e.URL, Description: e.Description, Events: events, Secret: e.Secret,
		AllowPrivate: e.AllowPrivate, Enabled: e.Enabled, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

func (d *webhookDoc) toDomain() *chat.WebhookEndpoint {
	events := d.Events
	if events == nil {
		events = []string{}
	}
	return &chat.WebhookEndpoint{ID: d.ID, URL: d.URL, Description: d.Description, Events: events, Secret: d.Secret,
		AllowPrivate: d.AllowPrivate, Enabled: d.Enabled, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
}

// WebhookEndpoints returns every endpoint, oldest first.
func (db *DB) WebhookEndpoints(ctx context.Context) ([]*chat.WebhookEndpoint, error) {
	return findAll[webhookDoc, *chat.WebhookEndpoint](ctx, db.webhooks(), bson.D{},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}), "webhooks")
}

// WebhookEndpoint returns chat.ErrNotFound when id is unknown.
func (db *DB) WebhookEndpoint(ctx context.Context, id string) (*chat.WebhookEndpoint, error) {
	var d webhookDoc
	if err := db.webhooks().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return nil, notFound(err, "find webhook")
	}
	return d.toDomain(), nil
}

// CreateWebhookEndpoint stores e.
func (db *DB) CreateWebhookEndpoint(ctx context.Context, e *chat.WebhookEndpoint) error {
	_, err := db.webhooks().InsertOne(ctx, toWebhookDoc(e))
	return wrap(err, "create webhook")
}

// UpdateWebhookEndpoint replaces e; chat.ErrNotFound when missing.
func (db *DB) UpdateWebhookEndpoint(ctx context.Context, e *chat.WebhookEndpoint) error {
	res, err := db.webhooks().ReplaceOne(ctx, bson.D{{Key: "_id", Value: e.ID}}, toWebhookDoc(e))
	return writtenOne(res, err, "update webhook")
}

// DeleteWebhookEndpoint removes an endpoint; chat.ErrNotFound when missing.
func (db *DB) DeleteWebhookEndpoint(ctx context.Context, id string) error {
	res, err := db.webhooks().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return writtenOne(res, err, "delete webhook")
}

type deliveryDoc struct {
	ID             string     `bson:"_id"`
	EndpointID     string     `bson:"endpointId"`
	EventID        string     `bson:"eventId"`
	Event          string     `bson:"event"`
	ConversationID string     `bson:"conversationId"`
	Body           string     `bson:"body"`
	Status         string     `bson:"status"`
	Attempts       int        `bson:"attempts"`
	CreatedAt      time.Time  `bson:"createdAt"`
	NextAttemptAt  time.Time  `bson:"nextAttemptAt"`
	LastAttemptAt  *time.Time `bson:"lastAttemptAt"`
	LastStatus     int        `bson:"lastStatus"`
	LastError      string     `bson:"lastError"`
	DeliveredAt    *time.Time `bson:"deliveredAt"`
	RedeliveryOf   string     `bson:"redeliveryOf,omitempty"`
}

func toDeliveryDoc(d *chat.WebhookDelivery) deliveryDoc {
	return deliveryDoc{ID: d.ID, EndpointID: d.EndpointID, EventID: d.EventID, Event: d.Event, ConversationID: d.ConversationID,
		Body: d.Body, Status: string(d.Status), Attempts: d.Attempts, CreatedAt: d.CreatedAt, NextAttemptAt: d.NextAttemptAt,
		LastAttemptAt: d.LastAttemptAt, LastStatus: d.LastStatus, LastError: d.LastError, DeliveredAt: d.DeliveredAt, RedeliveryOf: d.RedeliveryOf}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}

func (d *deliveryDoc) toDomain() *chat.WebhookDelivery {
	return &chat.WebhookDelivery{ID: d.ID, EndpointID: d.EndpointID, EventID: d.EventID, Event: d.Event, ConversationID: d.ConversationID,
		Body: d.Body, Status: chat.DeliveryStatus(d.Status), Attempts: d.Attempts, CreatedAt: d.CreatedAt.UTC(), NextAttemptAt: d.NextAttemptAt.UTC(),
		LastAttemptAt: utcPtr(d.LastAttemptAt), LastStatus: d.LastStatus, LastError: d.LastError, DeliveredAt: utcPtr(d.DeliveredAt), RedeliveryOf: d.RedeliveryOf}
}

// EnqueueDeliveries inserts deliveries with one unordered InsertMany; ids
// stored already are left alone (the unique _id refuses them, and only
// those refusals are ignored).
func (db *DB) EnqueueDeliveries(ctx context.Context, ds []*chat.WebhookDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	docs := make([]any, len(ds))
	for i, d := range ds {
		docs[i] = toDeliveryDoc(d)
	}
	_, err := db.deliveries().InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil && len(bwe.WriteErrors) > 0 {
		for _, we := range bwe.WriteErrors {
			if !isDuplicateCode(we.Code) && !isDuplicateMessage(we.Message) {
				return wrap(err, "enqueue deliveries")
			}
		}
		return nil
	}
	return wrap(err, "enqueue deliveries")
}

// Delivery returns chat.ErrNotFound when id is unknown.
func (db *DB) Delivery(ctx context.Context, id string) (*chat.WebhookDelivery, error) {
	var d deliveryDoc
	if err := db.deliveries().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return nil, notFound(err, "find delivery")
	}
	return d.toDomain(), nil
}

// DueDeliveries returns pending deliveries due at now, soonest first.
func (db *DB) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*chat.WebhookDelivery, error) {
	filter := bson.D{{Key: "status", Value: string(chat.DeliveryPending)}, {Key: "nextAttemptAt", Value: bson.D{{Key: "$lte", Value: now}}}}
	opts := options.Find().SetSort(bson.D{{Key: "nextAttemptAt", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit))
	return findAll[deliveryDoc, *chat.WebhookDelivery](ctx, db.deliveries(), filter, opts, "due deliveries")
}

// RecordAttempt writes an attempt's outcome by _id; a missing delivery
// (erased meanwhile) is not an error.
func (db *DB) RecordAttempt(ctx context.Context, id string, a chat.DeliveryAttempt) error {
	set := bson.D{
		{Key: "status", Value: string(a.Status)}, {Key: "attempts", Value: a.Attempts}, {Key: "lastAttemptAt", Value: a.At},
		{Key: "lastStatus", Value: a.HTTPStatus}, {Key: "lastError", Value: a.Error},
	}
	if !a.NextAttemptAt.IsZero() {
		set = append(set, bson.E{Key: "nextAttemptAt", Value: a.NextAttemptAt})
	}
	if a.Status == chat.DeliveryDelivered {
		set = append(set, bson.E{Key: "deliveredAt", Value: a.At})
	}
	_, err := db.deliveries().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: set}})
	return wrap(err, "record delivery attempt")
}

// Deliveries returns an endpoint's latest deliveries, newest first.
func (db *DB) Deliveries(ctx context.Context, endpointID string, limit int) ([]*chat.WebhookDelivery, error) {
	opts := options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit))
	return findAll[deliveryDoc, *chat.WebhookDelivery](ctx, db.deliveries(), bson.D{{Key: "endpointId", Value: endpointID}}, opts, "deliveries")
}

// CountPendingDeliveries counts the backlog.
func (db *DB) CountPendingDeliveries(ctx context.Context) (int, error) {
	n, err := db.deliveries().CountDocuments(ctx, bson.D{{Key: "status", Value: string(chat.DeliveryPending)}})
	return int(n), wrap(err, "count deliveries")
}

// DeleteDeliveriesBefore removes deliveries created before cutoff.
func (db *DB) DeleteDeliveriesBefore(ctx context.Context, cutoff time.Time) (int, error) {
	res, err := db.deliveries().DeleteMany(ctx, bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: cutoff}}}})
	if err != nil {
		return 0, wrap(err, "delete old deliveries")
	}
	return int(res.DeletedCount), nil
}

// DeleteConversationDeliveries removes the deliveries of conversations.
func (db *DB) DeleteConversationDeliveries(ctx context.Context, ids []string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	in := make(bson.A, 0, len(ids))
	for _, id := range ids {
		in = append(in, id)
	}
	res, err := db.deliveries().DeleteMany(ctx, bson.D{{Key: "conversationId", Value: bson.D{{Key: "$in", Value: in}}}})
	if err != nil {
		return 0, wrap(err, "delete conversation deliveries")
	}
	return int(res.DeletedCount), nil
}

// mailID is the _id of the SMTP settings document, beside the settings.
const mailID = "mail"

type mailDoc struct {
	ID                 string `bson:"_id"`
	Host               string `bson:"host"`
	Port               int    `bson:"port"`
	Security           string `bson:"security"`
	Username           string `bson:"username"`
	Password           string `bson:"password"`
	From               string `bson:"from"`
	NotifyWaiting      bool   `bson:"notifyWaiting"`
	NotifyEveryMinutes int    `bson:"notifyEveryMinutes"`
}

func (d *mailDoc) toDomain() chat.MailSettings {
	return chat.MailSettings{Host: d.Host, Port: d.Port, Security: chat.MailSecurity(d.Security), Username: d.Username, Password: d.Password,
		From: d.From, NotifyWaiting: d.NotifyWaiting, NotifyEveryMinutes: d.NotifyEveryMinutes}
}

// MailSettings returns the saved SMTP settings, or chat.DefaultMailSettings().
func (db *DB) MailSettings(ctx context.Context) (chat.MailSettings, error) {
	return loadSetting[mailDoc](ctx, db, mailID, chat.DefaultMailSettings(), "mail settings")
}

// SaveMailSettings replaces the SMTP settings document.
func (db *DB) SaveMailSettings(ctx context.Context, m chat.MailSettings) error {
	d := mailDoc{ID: mailID, Host: m.Host, Port: m.Port, Security: string(m.Security), Username: m.Username, Password: m.Password,
		From: m.From, NotifyWaiting: m.NotifyWaiting, NotifyEveryMinutes: m.NotifyEveryMinutes}
	return db.saveSetting(ctx, mailID, d, "mail settings")
}
