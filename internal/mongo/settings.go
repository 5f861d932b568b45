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

// settingsID is the _id of the one settings document.
const settingsID = "global"

type settingsDoc struct {
	ID             string        `bson:"_id"`
	AssignmentMode string        `bson:"assignmentMode"`
	DefaultAgentID string        `bson:"defaultAgentId"`
	AllowedOrigins []string      `bson:"allowedOrigins"`
	WidgetColor    string        `bson:"widgetColor"`
	WidgetTitle    string        `bson:"widgetTitle"`
	WidgetGreeting string        `bson:"widgetGreeting"`
	AutoLanguage   bool          `bson:"autoLanguage,omitempty"`
	Greetings      []greetingDoc `bson:"greetings,omitempty"`
}

type greetingDoc struct {
	Pattern      string `bson:"pattern"`
	DelaySeconds int    `bson:"delaySeconds"`
	Text         string `bson:"text"`
	Enabled      bool   `bson:"enabled"`
}

// loadSetting reads the document id of the settings collection, or returns
// def when none was saved yet.
func loadSetting[D, T any, PD document[D, T]](ctx context.Context, db *DB, id string, def T, what string) (T, error) {
	var d D
	err := db.settings.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return def, nil
	}
	if err != nil {
		var zero T
		return zero, wrap(err, "find "+what)
	}
	return PD(&d).toDomain(), nil
}

// saveSetting replaces the document id of the settings collection with d,
// creating it the first time.
func (db *DB) saveSetting(ctx context.Context, id string, d any, what string) error {
	replace := func() error {
		_, err := db.settings.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, d, options.Replace().SetUpsert(true))
		return err
	}
	err := replace()
	// Two first-time upserts can race to insert the document; the loser gets
	// a duplicate key, and retrying finds the document and replaces it.
	if dup, _ := duplicateIndex(err); dup {
		err = replace()
	}
	return wrap(err, "save "+what)
}

// Settings returns the saved settings, or chat.DefaultSettings() when none
// were saved yet.
func (db *DB) Settings(ctx context.Context) (chat.Settings, error) {
	return loadSetting[settingsDoc](ctx, db, settingsID, chat.DefaultSettings(), "settings")
}

func (d *settingsDoc) toDomain() chat.Settings {
	greetings := make([]chat.GreetingRule, len(d.Greetings))
	for i, g := range d.Greetings {
		greetings[i] = chat.GreetingRule{Pattern: g.Pattern, DelaySeconds: g.DelaySeconds, Text: g.Text, Enabled: g.Enabled}
	}
	origins := d.AllowedOrigins
	if origins == nil {
		origins = []string{}
	}
	return chat.Settings{
		AssignmentMode: chat.AssignmentMode(d.AssignmentMode),
		DefaultAgentID: d.DefaultAgentID,
		AllowedOrigins: origins,
		WidgetColor:    d.WidgetColor,
		WidgetTitle:    d.WidgetTitle,
		WidgetGreeting: d.WidgetGreeting,
		AutoLanguage:   d.AutoLanguage,
		Greetings:      greetings,
	}
}

// SaveSettings replaces the settings document, creating it the first time.
func (db *DB) SaveSettings(ctx context.Context, s chat.Settings) error {
	origins := s.AllowedOrigins
	if origins == nil {
		origins = []string{}
	}
	d := settingsDoc{
		ID:             settingsID,
		AssignmentMode: string(s.AssignmentMode),
		DefaultAgentID: s.DefaultAgentID,
		AllowedOrigins: origins,
		WidgetColor:    s.WidgetColor,
		WidgetTitle:    s.WidgetTitle,
		WidgetGreeting: s.WidgetGreeting,
		AutoLanguage:   s.AutoLanguage,
	}
	for _, g := range s.Greetings {
		d.Greetings = append(d.Greetings, greetingDoc{Pattern: g.Pattern, DelaySeconds: g.DelaySeconds, Text: g.Text, Enabled: g.Enabled})
	}
	return db.saveSetting(ctx, settingsID, d, "settings")
}

// botID is the _id of the bot settings document, beside the settings.
const botID = "bot"

type botDoc struct {
	ID             string `bson:"_id"`
	Enabled        bool   `bson:"enabled"`
	Name           string `bson:"name"`
	BaseURL        string `bson:"baseUrl"`
	Model          string `bson:"model"`
	APIKey         string `bson:"apiKey"`
	SystemPrompt   string `bson:"systemPrompt"`
	Knowledge      string `bson:"knowledge"`
	WaitSeconds    int    `bson:"waitSeconds"`
	TimeoutSeconds int    `bson:"timeoutSeconds"`
}

// BotSettings returns the saved bot settings, or chat.DefaultBotSettings().
func (db *DB) BotSettings(ctx context.Context) (chat.BotSettings, error) {
	return loadSetting[botDoc](ctx, db, botID, chat.DefaultBotSettings(), "bot settings")
}

func (d *botDoc) toDomain() chat.BotSettings {
	return chat.BotSettings{
		Enabled: d.Enabled, Name: d.Name, BaseURL: d.BaseURL, Model: d.Model, APIKey: d.APIKey,
		SystemPrompt: d.SystemPrompt, Knowledge: d.Knowledge, WaitSeconds: d.WaitSeconds, TimeoutSeconds: d.TimeoutSeconds,
	}
}

// SaveBotSettings replaces the bot settings document, creating it the first
// time.
func (db *DB) SaveBotSettings(ctx context.Context, b chat.BotSettings) error {
	d := botDoc{
		ID: botID, Enabled: b.Enabled, Name: b.Name, BaseURL: b.BaseURL, Model: b.Model, APIKey: b.APIKey,
		SystemPrompt: b.SystemPrompt, Knowledge: b.Knowledge, WaitSeconds: b.WaitSeconds, TimeoutSeconds: b.TimeoutSeconds,
	}
	return db.saveSetting(ctx, botID, d, "bot settings")
}

// hoursID is the _id of the office hours document, beside the settings.
const hoursID = "hours"

type hoursDoc struct {
	ID          string   `bson:"_id"`
	Enabled     bool     `bson:"enabled"`
	Week        []dayDoc `bson:"week"`
	Holidays    []string `bson:"holidays"`
	AwayMessage string   `bson:"awayMessage"`
	ReplyTime   string   `bson:"replyTime"`
}

type dayDoc struct {
	Open bool   `bson:"open"`
	From string `bson:"from"`
	To   string `bson:"to"`
}

// OfficeHours returns the saved office hours, or chat.DefaultOfficeHours().
func (db *DB) OfficeHours(ctx context.Context) (chat.OfficeHours, error) {
	return loadSetting[hoursDoc](ctx, db, hoursID, chat.DefaultOfficeHours(), "office hours")
}

func (d *hoursDoc) toDomain() chat.OfficeHours {
	h := chat.OfficeHours{Enabled: d.Enabled, Week: make([]chat.DayHours, len(d.Week)), Holidays: d.Holidays, AwayMessage: d.AwayMessage, ReplyTime: d.ReplyTime}
	for i, day := range d.Week {
		h.Week[i] = chat.DayHours{Open: day.Open, From: day.From, To: day.To}
	}
	if h.Holidays == nil {
		h.Holidays = []string{}
	}
	return h
}

// SaveOfficeHours replaces the office hours document, creating it the
// first time.
func (db *DB) SaveOfficeHours(ctx context.Context, h chat.OfficeHours) error {
	d := hoursDoc{ID: hoursID, Enabled: h.Enabled, Week: make([]dayDoc, len(h.Week)), Holidays: h.Holidays, AwayMessage: h.AwayMessage, ReplyTime: h.ReplyTime}
	for i, day := range h.Week {
		d.Week[i] = dayDoc{Open: day.Open, From: day.From, To: day.To}
	}
	if d.Holidays == nil {
		d.Holidays = []string{}
	}
	return db.saveSetting(ctx, hoursID, d, "office hours")
}

// identityID is the _id of the verified identity settings, beside the
// settings. The secret is kept as it is, like the bot's key and the
// webhooks' secrets: checking an HMAC needs the key itself.
const identityID = "identity"

type identityDoc struct {
	ID           string     `bson:"_id"`
	VerifiedOnly bool       `bson:"verifiedOnly"`
	Secret       string     `bson:"secret"`
	RotatedAt    *time.Time `bson:"rotatedAt"`
}

// IdentitySettings returns the saved identity settings, or the zero ones.
func (db *DB) IdentitySettings(ctx context.Context) (chat.IdentitySettings, error) {
	return loadSetting[identityDoc](ctx, db, identityID, chat.IdentitySettings{}, "identity settings")
}

func (d *identityDoc) toDomain() chat.IdentitySettings {
	return chat.IdentitySettings{VerifiedOnly: d.VerifiedOnly, Secret: d.Secret, RotatedAt: d.RotatedAt}
}

// SaveIdentitySettings replaces the identity settings document, creating
// it the first time (SecretSet and SecretHint are derived, not kept).
func (db *DB) SaveIdentitySettings(ctx context.Context, s chat.IdentitySettings) error {
	return db.saveSetting(ctx, identityID, identityDoc{ID: identityID, VerifiedOnly: s.VerifiedOnly, Secret: s.Secret, RotatedAt: s.RotatedAt}, "identity settings")
}
