package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"

	"github.com/soko-wms/soko/internal/soko"
)

// Mailer sends customers' emails through the warehouse's SMTP server, one
// connection per email, so a connection the server dropped while idle is
// never reused; Send may be called from several goroutines at once.
type Mailer struct {
	// TLSConfig verifies the server; nil means the system's roots and the
	// host of the URL as the server name.
	TLSConfig *tls.Config
	// Timeout bounds one Send from dialling to the server's answer to the
	// message (default DeliveryTimeout, which the Worker's lease counts on).
	Timeout time.Duration
	// Now stamps the Date header; nil means time.Now.
	Now func() time.Time

	host     string
	port     int
	implicit bool   // smtps: TLS from the first byte
	starttls string // mandatory, opportunistic or none
	user     string
	password string
	from     string // envelope sender and From address
}

// NewMailer reads the SMTP server's URL (SOKO_SMTP_URL):
//
//	smtp://[user:pass@]host[:port]?from=addr[&starttls=mandatory|opportunistic|none]
//	smtps://[user:pass@]host[:port]?from=addr
//
// smtp:// is mail submission on port 587 upgraded with STARTTLS, which is
// mandatory unless the URL says otherwise; smtps:// is TLS from the first
// byte, on port 465. from is the warehouse's sending address, the envelope
// sender and the From address; the From name and Reply-To are each
// merchant's. The password never leaves over an unencrypted connection
// unless starttls=none asks for exactly that.
func NewMailer(rawURL string) (*Mailer, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url's errors quote the whole URL, password included.
		return nil, errors.New("SMTP URL cannot be parsed; the form is smtp://user:pass@host:587?from=noreply@example.com")
	}
	m := &Mailer{host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		m.port, m.starttls = 587, "mandatory"
	case "smtps":
		m.port, m.implicit = 465, true
	default:
		return nil, fmt.Errorf("SMTP URL: scheme %q is neither smtp nor smtps", u.Scheme)
	}
	if m.host == "" {
		return nil, errors.New("SMTP URL has no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("SMTP URL: port %q is not a number from 1 to 65535", p)
		}
		m.port = n
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("SMTP URL: path %q means nothing to SMTP; settings go in the query (?from=…)", u.Path)
	}
	if u.User != nil {
		m.user = u.User.Username()
		m.password, _ = u.User.Password()
		if m.user == "" || m.password == "" {
			return nil, errors.New("SMTP URL: give both a user and a password (user:pass@host), percent-encoding any @ : / in them")
		}
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("SMTP URL: query cannot be parsed: %v", err)
	}
	for k, v := range q {
		switch {
		case k != "from" && k != "starttls":
			return nil, fmt.Errorf("SMTP URL: unknown setting %q (known: from, starttls)", k)
		case len(v) > 1:
			return nil, fmt.Errorf("SMTP URL: %s is given %d times", k, len(v))
		}
	}
	if q.Has("starttls") {
		switch s := q.Get("starttls"); {
		case m.implicit:
			return nil, errors.New("SMTP URL: starttls does not apply to smtps://, which is encrypted from the start")
		case s == "mandatory" || s == "opportunistic" || s == "none":
			m.starttls = s
		default:
			return nil, fmt.Errorf("SMTP URL: starttls=%q; use mandatory, opportunistic or none", s)
		}
	}
	from := q.Get("from")
	if from == "" {
		return nil, errors.New("SMTP URL has no from address (?from=noreply@example.com)")
	}
	a, err := mail.ParseAddress(from)
	if err != nil || a.Name != "" || a.Address != from {
		return nil, fmt.Errorf("SMTP URL: from=%q is not a bare email address", from)
	}
	m.from = a.Address
	return m, nil
}

// String is the Mailer's URL with its defaults spelled out and the
// password hidden, for the start-up log.
func (m *Mailer) String() string {
	u := url.URL{Scheme: "smtp", Host: net.JoinHostPort(m.host, strconv.Itoa(m.port))}
	q := url.Values{"from": {m.from}}
	if m.implicit {
		u.Scheme = "smtps"
	} else {
		q.Set("starttls", m.starttls)
	}
	if m.user != "" {
		u.User = url.UserPassword(m.user, "xxxxx")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// mailError is why an email was not sent: the server's reply code when it
// gave one, and whether trying again can help.
type mailError struct {
	code      int
	permanent bool
	msg       string
	err       error
}

func (e *mailError) Error() string { return e.msg }
func (e *mailError) Unwrap() error { return e.err }

// Permanent reports whether err means the email will never go out however
// often it is tried: an invalid address, or a 5xx reply to the message
// itself (550 unknown mailbox, 552 too big, 554 rejected). Anything else is
// worth retrying: 4xx replies, timeouts, refused connections, and 5xx
// replies before the message, to the greeting, STARTTLS, AUTH or MAIL FROM,
// since those fail every email alike until the SMTP settings are fixed.
// Errors that did not come from Send count as permanent when they are a
// 5xx reply (*textproto.Error).
func Permanent(err error) bool {
	var me *mailError
	if errors.As(err, &me) {
		return me.permanent
	}
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500 && te.Code < 600
}

// replyCode is the SMTP reply code behind err, or 0 when the server gave
// none.
func replyCode(err error) int {
	var me *mailError
	if errors.As(err, &me) {
		return me.code
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

// Send sends msg as UTF-8 plain text, base64 encoded, with its subject and
// names encoded for headers (RFC 2047), so every mail client shows the
// Japanese as written.
func (m *Mailer) Send(ctx context.Context, msg soko.EmailMessage) error {
	gm, err := m.message(msg)
	if err != nil {
		return err
	}
	timeout := m.timeout()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	policy := gomail.TLSMandatory
	switch {
	case m.implicit || m.starttls == "none":
		policy = gomail.NoTLS // for smtps, dial did all the TLS there is to do
	case m.starttls == "opportunistic":
		policy = gomail.TLSOpportunistic
	}
	opts := []gomail.Option{
		gomail.WithPort(m.port),
		gomail.WithTimeout(timeout),
		gomail.WithDialContextFunc(m.dial(ctx)),
		gomail.WithTLSConfig(m.tlsConfig()),
		gomail.WithTLSPolicy(policy),
	}
	if m.user != "" {
		opts = append(opts, gomail.WithSMTPAuthCustom(&plainOrLogin{user: m.user, password: m.password, clear: m.starttls == "none"}))
	}
	c, err := gomail.NewClient(m.host, opts...)
	if err != nil {
		return &mailError{msg: "SMTP client: " + err.Error(), err: err}
	}
	err = c.DialAndSendWithContext(ctx, gm)
	if gm.IsDelivered() {
		// The server took it; failing to say goodbye must not send it twice.
		return nil
	}
	return m.failure(ctx, err, timeout)
}

// message builds the email, refusing addresses no server would take.
func (m *Mailer) message(msg soko.EmailMessage) (*gomail.Msg, error) {
	to, err := mail.ParseAddress(msg.To)
	if err != nil {
		// The address stays out of the error, which ends up in logs.
		return nil, &mailError{permanent: true, msg: "invalid recipient address: " + err.Error(), err: err}
	}
	gm := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingB64), gomail.WithNoDefaultUserAgent())
	gm.FromMailAddress(&mail.Address{Name: oneLine(msg.FromName), Address: m.from})
	gm.AddToMailAddress(&mail.Address{Name: oneLine(msg.ToName), Address: to.Address})
	if msg.ReplyTo != "" {
		rt, err := mail.ParseAddress(msg.ReplyTo)
		if err != nil {
			return nil, &mailError{permanent: true, msg: fmt.Sprintf("the merchant's Reply-To address %q is invalid: %v", msg.ReplyTo, err), err: err}
		}
		gm.ReplyToMailAddress(&mail.Address{Name: oneLine(msg.FromName), Address: rt.Address})
	}
	gm.Subject(oneLine(msg.Subject))
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	gm.SetDateWithValue(now().In(soko.JST))
	_, domain, _ := strings.Cut(m.from, "@")
	gm.SetMessageIDWithValue(rand.Text() + "@" + domain)
	// Text is sent in canonical form, lines ending in CRLF (RFC 2046).
	body := strings.ReplaceAll(strings.ReplaceAll(msg.Body, "\r\n", "\n"), "\n", "\r\n")
	gm.SetBodyString(gomail.TypeTextPlain, body)
	return gm, nil
}

// oneLine keeps a header value on one line whatever the data held.
func oneLine(s string) string { return strings.TrimSpace(lineBreaks.Replace(s)) }

var lineBreaks = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")

// dial connects for go-mail, which heeds a context only while dialling:
// closing the connection when sendCtx ends bounds the whole conversation
// by the Mailer's Timeout, and stops it when the worker shuts down.
func (m *Mailer) dial(sendCtx context.Context) gomail.DialContextFunc {
	return func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(m.host, strconv.Itoa(m.port)))
		if err != nil {
			return nil, err
		}
		context.AfterFunc(sendCtx, func() { conn.Close() })
		if !m.implicit {
			return conn, nil
		}
		tc := tls.Client(conn, m.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		return tc, nil
	}
}

func (m *Mailer) tlsConfig() *tls.Config {
	if m.TLSConfig == nil {
		return &tls.Config{ServerName: m.host, MinVersion: tls.VersionTLS12}
	}
	c := m.TLSConfig.Clone()
	if c.ServerName == "" {
		c.ServerName = m.host
	}
	return c
}

// failure turns go-mail's error into a short line for the delivery log,
// classified for Permanent.
func (m *Mailer) failure(ctx context.Context, err error, timeout time.Duration) error {
	if err == nil {
		return nil
	}
	e := &mailError{code: replyCode(err), err: err}
	var ne net.Error
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		e.msg = fmt.Sprintf("no answer from %s within %s", m.host, timeout)
		return e
	case ctx.Err() != nil:
		e.msg = "sending stopped: " + ctx.Err().Error()
		return e
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		e.code = se.ErrorCode()
		switch se.Reason {
		case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
			e.permanent = true
		case gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
			e.permanent = e.code >= 500 && e.code < 600
		}
	}
	msg := err.Error()
	// go-mail names the recipient and the Message-ID; the log has both.
	for _, noise := range []string{", affected recipient(s): ", ", affected message ID: "} {
		if i := strings.Index(msg, noise); i >= 0 {
			msg = msg[:i]
		}
	}
	e.msg = short(msg)
	return e
}

// plainOrLogin authenticates with AUTH PLAIN, or LOGIN when the server
// offers only that, and never over a connection without TLS unless clear
// (starttls=none) allows it: go-mail's own choice would try other
// mechanisms in the clear.
type plainOrLogin struct {
	user, password string
	clear          bool
	next           gosmtp.Auth
}

func (a *plainOrLogin) Start(s *gosmtp.ServerInfo) (string, []byte, error) {
	switch {
	case !s.TLS && !a.clear:
		return "", nil, errors.New("the connection is not encrypted, so the password is not sent (starttls=none would allow it)")
	case slices.Contains(s.Auth, "PLAIN"):
		a.next = gosmtp.PlainAuth("", a.user, a.password, s.Name, true)
	case slices.Contains(s.Auth, "LOGIN"):
		a.next = gosmtp.LoginAuth(a.user, a.password, s.Name, true)
	case len(s.Auth) == 0:
		return "", nil, errors.New("the server offers no AUTH")
	default:
		return "", nil, fmt.Errorf("the server offers neither AUTH PLAIN nor LOGIN, only %s", strings.Join(s.Auth, " "))
	}
	return a.next.Start(s)
}

func (a *plainOrLogin) Next(fromServer []byte, more bool) ([]byte, error) {
	return a.next.Next(fromServer, more)
}

func (m *Mailer) timeout() time.Duration {
	if m.Timeout <= 0 {
		return DeliveryTimeout
	}
	return m.Timeout
}
