// Package mail sends chatdesk's emails through any SMTP server: the
// transcript a visitor asks for and the notice to admins that visitors
// wait with nobody available. Vietnamese templates, plain text and HTML
// (every value a person typed is escaped in the HTML part), STARTTLS,
// TLS from the first byte, or a plain relay. It implements desk.Mailer.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Client sends emails. It is safe for concurrent use.
type Client struct {
	// RootCAs verify the SMTP server's certificate (nil: the system's).
	RootCAs *x509.CertPool
	// Timeout bounds one email, connection to QUIT (default 30 s).
	Timeout time.Duration
	now     func() time.Time
}

// New returns a client using the system's certificate authorities.
func New() *Client { return &Client{Timeout: 30 * time.Second, now: time.Now} }

// Message is one email.
type Message struct {
	To      []string
	Subject string
	Text    string
	HTML    string
}

// ErrNotConfigured: the settings name no server or no sender.
var ErrNotConfigured = errors.New("mail: SMTP is not configured")

// Send delivers m through the server s describes.
func (c *Client) Send(ctx context.Context, s chat.MailSettings, m Message) error {
	if !s.Configured() {
		return ErrNotConfigured
	}
	from, err := chat.ParseMailFrom(s.From)
	if err != nil {
		return fmt.Errorf("mail: sender: %w", err)
	}
	for _, to := range m.To {
		if _, err := chat.CleanEmail(to); err != nil {
			return fmt.Errorf("mail: recipient %q refused", to)
		}
	}
	raw, err := c.build(from, m)
	if err != nil {
		return err
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return c.deliver(ctx, s, from.Address, m.To, raw)
}

func (c *Client) tlsConfig(host string) *tls.Config {
	return &tls.Config{ServerName: host, RootCAs: c.RootCAs, MinVersion: tls.VersionTLS12}
}

// deliver runs one SMTP session.
func (c *Client) deliver(ctx context.Context, s chat.MailSettings, from string, to []string, raw []byte) error {
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	d := &net.Dialer{}
	var conn net.Conn
	var err error
	if s.Security == chat.MailTLS {
		conn, err = (&tls.Dialer{NetDialer: d, Config: c.tlsConfig(s.Host)}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("mail: connect %s: %w", addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// A context ending mid-session closes the connection, so no command
	// waits past it.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	sc, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: greeting: %w", err)
	}
	defer sc.Close()
	if err := sc.Hello(helloName(from)); err != nil {
		return fmt.Errorf("mail: EHLO: %w", err)
	}
	if s.Security == chat.MailStartTLS {
		if ok, _ := sc.Extension("STARTTLS"); !ok {
			return errors.New("mail: the server does not offer STARTTLS (choose tls or none)")
		}
		if err := sc.StartTLS(c.tlsConfig(s.Host)); err != nil {
			return fmt.Errorf("mail: STARTTLS: %w", err)
		}
	}
	if s.Username != "" {
		// net/smtp's PLAIN refuses to send the password unencrypted except
		// to localhost: "none" with a user works only for a local relay.
		if err := sc.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("mail: AUTH: %w", err)
		}
	}
	if err := sc.Mail(from); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	for _, r := range to {
		if err := sc.Rcpt(r); err != nil {
			return fmt.Errorf("mail: RCPT TO %s: %w", r, err)
		}
	}
	w, err := sc.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	return sc.Quit()
}

// helloName is the domain announced in EHLO: the sender's.
func helloName(from string) string {
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		return from[i+1:]
	}
	return "localhost"
}

// build writes the message: UTF-8 headers encoded per RFC 2047, a
// multipart/alternative body with the text and HTML parts in
// quoted-printable (CRLF line ends, lines within limits).
func (c *Client) build(from *mail.Address, m Message) ([]byte, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	var id [12]byte
	_, _ = rand.Read(id[:])
	now := time.Now
	if c.now != nil {
		now = c.now
	}
	h := []string{
		"From: " + from.String(),
		"To: " + strings.Join(m.To, ", "),
		"Subject: " + mime.QEncoding.Encode("utf-8", m.Subject),
		"Date: " + now().Format(time.RFC1123Z),
		"Message-ID: <" + hex.EncodeToString(id[:]) + "@" + helloName(from.Address) + ">",
		"MIME-Version: 1.0",
		"Auto-Submitted: auto-generated",
		"Content-Type: multipart/alternative; boundary=" + mw.Boundary(),
	}
	var out bytes.Buffer
	out.WriteString(strings.Join(h, "\r\n") + "\r\n\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qw := quotedprintable.NewWriter(pw)
		if _, err := qw.Write([]byte(strings.ReplaceAll(part.body, "\n", "\r\n"))); err != nil {
			return nil, err
		}
		if err := qw.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	out.Write(b.Bytes())
	return out.Bytes(), nil
}
