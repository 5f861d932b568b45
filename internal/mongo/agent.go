package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chatdesk/chatdesk/internal/chat"
)

type agentDoc struct {
	ID           string    `bson:"_id"`
	Email        string    `bson:"email"` // normalised: the unique index is case-sensitive
	Name         string    `bson:"name"`
	Role         string    `bson:"role"`
	Disabled     bool      `bson:"disabled"`
	AvatarURL    string    `bson:"avatarUrl,omitempty"`
	PasswordHash string    `bson:"passwordHash"`
	TokenVersion int       `bson:"tokenVersion"`
	CreatedAt    time.Time `bson:"createdAt"`
	UpdatedAt    time.Time `bson:"updatedAt"`
}

func toAgentDoc(a *chat.Agent) agentDoc {
	return agentDoc{
		ID:           a.ID,
		Email:        chat.NormalizeEmail(a.Email),
		Name:         a.Name,
		Role:         string(a.Role),
		Disabled:     a.Disabled,
		AvatarURL:    a.AvatarURL,
		PasswordHash: a.PasswordHash,
		TokenVersion: a.TokenVersion,
		CreatedAt:    a.CreatedAt,
		UpdatedAt:    a.UpdatedAt,
	}
}

func (d *agentDoc) toDomain() *chat.Agent {
	return &chat.Agent{
		ID:           d.ID,
		Email:        d.Email,
		Name:         d.Name,
		Role:         chat.Role(d.Role),
		Disabled:     d.Disabled,
		AvatarURL:    d.AvatarURL,
		PasswordHash: d.PasswordHash,
		TokenVersion: d.TokenVersion,
		CreatedAt:    d.CreatedAt,
		UpdatedAt:    d.UpdatedAt,
	}
}

var errDuplicateAgentID = errors.New("mongo: duplicate agent id")

// CreateAgent inserts a, giving it an id when it has none; it returns
// chat.ErrDuplicateEmail when the email is taken.
func (db *DB) CreateAgent(ctx context.Context, a *chat.Agent) error {
	if a.ID == "" {
		a.ID = newID()
	}
	d := toAgentDoc(a)
	_, err := db.agents.InsertOne(ctx, d)
	return db.agentWriteError(ctx, err, d, "create agent")
}

// agentWriteError maps a unique violation to chat.ErrDuplicateEmail. When
// the server does not name the index (FerretDB inserts), the email is looked
// up: the agents collection is small and this only runs on a conflict.
func (db *DB) agentWriteError(ctx context.Context, err error, d agentDoc, op string) error {
	dup, index := duplicateIndex(err)
	if !dup {
		return wrap(err, op)
	}
	switch index {
	case idxEmail:
		return chat.ErrDuplicateEmail
	case idxID:
		return errDuplicateAgentID
	}
	n, cerr := db.agents.CountDocuments(ctx, bson.D{{Key: "email", Value: d.Email}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: d.ID}}}})
	if cerr != nil {
		return wrap(err, op)
	}
	if n > 0 {
		return chat.ErrDuplicateEmail
	}
	return errDuplicateAgentID
}

// Agent returns chat.ErrNotFound when id is unknown.
func (db *DB) Agent(ctx context.Context, id string) (*chat.Agent, error) {
	return db.findAgent(ctx, bson.D{{Key: "_id", Value: id}})
}

// AgentByEmail finds an agent however the email is cased or padded.
func (db *DB) AgentByEmail(ctx context.Context, email string) (*chat.Agent, error) {
	return db.findAgent(ctx, bson.D{{Key: "email", Value: chat.NormalizeEmail(email)}})
}

func (db *DB) findAgent(ctx context.Context, filter bson.D) (*chat.Agent, error) {
	var d agentDoc
	if err := db.agents.FindOne(ctx, filter).Decode(&d); err != nil {
		return nil, notFound(err, "find agent")
	}
	return d.toDomain(), nil
}

// Agents returns every agent, by name.
func (db *DB) Agents(ctx context.Context) ([]*chat.Agent, error) {
	return findAll[agentDoc, *chat.Agent](ctx, db.agents, bson.D{},
		options.Find().SetSort(bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}), "agents")
}

// UpdateAgent replaces the stored agent with a (CreatedAt included, so pass
// the loaded value back). It returns chat.ErrNotFound when a.ID is unknown
// and chat.ErrDuplicateEmail when the new email belongs to another agent.
func (db *DB) UpdateAgent(ctx context.Context, a *chat.Agent) error {
	d := toAgentDoc(a)
	res, err := db.agents.ReplaceOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, d)
	if err != nil {
		return db.agentWriteError(ctx, err, d, "update agent")
	}
	if res.MatchedCount == 0 {
		return chat.ErrNotFound
	}
	return nil
}
