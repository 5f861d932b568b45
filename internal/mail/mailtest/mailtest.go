// Package mailtest runs an SMTP server inside a test process (go-smtp):
// plain, STARTTLS or TLS from the first byte, with a certificate made on
// the fly, AUTH PLAIN for one user, and every message kept for the test
// to read back (decoded: subject, text and HTML parts).
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is a running SMTP server.
type Server struct {
	Addr     string // 127.0.0.1:port
	Host     string
	Port     int
	RootCAs  *x509.CertPool // trusts the server's certificate
	User     string
	Password string

	mu   sync.Mutex
	msgs []Message
	srv  *smtp.Server
}

// Message is one received email.
type Message struct {
	From    string
	To      []string
	Raw     string
	Subject string
	Text    string
	HTML    string
	Header  mail.Header
}

// Mode is how clients connect.
type Mode int

const (
	StartTLS Mode = iota // plain, STARTTLS offered (and required before AUTH)
	TLS                  // TLS from the first byte
	Plain                // no TLS at all
)

// Start runs a server until the test ends. With user set, AUTH PLAIN
// with user and password is required before MAIL.
func Start(t testing.TB, mode Mode, user, password string) *Server {
	t.Helper()
	cert, pool := certificate(t)
	s := &Server{User: user, Password: password, RootCAs: pool}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 10 << 20
	tlsConf := &tls.Config{Certificates: []tls.Certificate{cert}}
	if mode != Plain {
		srv.TLSConfig = tlsConf
	}
	// net/smtp sends PLAIN in the clear only to localhost; the server
	// must accept what that client sends.
	srv.AllowInsecureAuth = mode == Plain
	var l net.Listener
	var err error
	if mode == TLS {
		l, err = tls.Listen("tcp", "127.0.0.1:0", tlsConf)
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	s.srv, s.Addr = srv, l.Addr().String()
	s.Host = "localhost"
	s.Port = l.Addr().(*net.TCPAddr).Port
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// Messages returns what was received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != se.s.User || pass != se.s.Password {
			return errors.New("invalid credentials")
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.User != "" && !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Message{From: se.from, To: se.to, Raw: string(raw)}
	if err := m.parse(); err != nil {
		return err
	}
	se.s.mu.Lock()
	se.s.msgs = append(se.s.msgs, m)
	se.s.mu.Unlock()
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

// parse decodes the subject and the parts (quoted-printable is undone by
// mime/multipart).
func (m *Message) parse() error {
	msg, err := mail.ReadMessage(strings.NewReader(m.Raw))
	if err != nil {
		return err
	}
	m.Header = msg.Header
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return err
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return err
		}
		body := strings.ReplaceAll(string(b), "\r\n", "\n")
		switch {
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain"):
			m.Text = body
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/html"):
			m.HTML = body
		}
	}
}

// certificate makes a self-signed certificate for localhost and 127.0.0.1.
func certificate(t testing.TB) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
