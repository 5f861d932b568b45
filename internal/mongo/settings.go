package mongo

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// settingsID is the _id of the one settings document.
const settingsID = "global"

type settingsDoc struct {
	ID             string   `bson:"_id"`
	AssignmentMode string   `bson:"assignmentMode"`
	DefaultAgentID string   `bson:"defaultAgentId"`
	AllowedOrigins []string `bson:"allowedOrigins"`
	WidgetColor    string   `bson:"widgetColor"`
	WidgetTitle    string   `bson:"widgetTitle"`
	WidgetGreeting string   `bson:"widgetGreeting"`
}

// Settings returns the saved settings, or chat.DefaultSettings() when none
// were saved yet.
func (db *DB) Settings(ctx context.Context) (chat.Settings, error) {
	var d settingsDoc
	err := db.settings.FindOne(ctx, bson.D{{Key: "_id", Value: settingsID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return chat.DefaultSettings(), nil
	}
	if err != nil {
		return chat.Settings{}, wrap(err, "find settings")
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
	}, nil
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
	}
	replace := func() error {
		_, err := db.settings.ReplaceOne(ctx, bson.D{{Key: "_id", Value: settingsID}}, d, options.Replace().SetUpsert(true))
		return err
	}
	err := replace()
	// Two first-time upserts can race to insert the document; the loser gets
	// a duplicate key, and retrying finds the document and replaces it.
	if dup, _ := duplicateIndex(err); dup {
		err = replace()
	}
	return wrap(err, "save settings")
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
	var d botDoc
	err := db.settings.FindOne(ctx, bson.D{{Key: "_id", Value: botID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return chat.DefaultBotSettings(), nil
	}
	if err != nil {
		return chat.BotSettings{}, wrap(err, "find bot settings")
	}
	return chat.BotSettings{
		Enabled: d.Enabled, Name: d.Name, BaseURL: d.BaseURL, Model: d.Model, APIKey: d.APIKey,
		SystemPrompt: d.SystemPrompt, Knowledge: d.Knowledge, WaitSeconds: d.WaitSeconds, TimeoutSeconds: d.TimeoutSeconds,
	}, nil
}

// SaveBotSettings replaces the bot settings document.
func (db *DB) SaveBotSettings(ctx context.Context, b chat.BotSettings) error {
	d := botDoc{
		ID: botID, Enabled: b.Enabled, Name: b.Name, BaseURL: b.BaseURL, Model: b.Model, APIKey: b.APIKey,
		SystemPrompt: b.SystemPrompt, Knowledge: b.Knowledge, WaitSeconds: b.WaitSeconds, TimeoutSeconds: b.TimeoutSeconds,
	}
	_, err := db.settings.ReplaceOne(ctx, bson.D{{Key: "_id", Value: botID}}, d, options.Replace().SetUpsert(true))
	return wrap(err, "save bot settings")
}
