package server

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// webhookStore is what webhook.go's handlers need of the store.
type webhookStore interface {
	ListWebhookEndpoints(ctx context.Context, merchantID int64) ([]*soko.WebhookEndpoint, error)
	WebhookEndpoint(ctx context.Context, merchantID, id int64) (*soko.WebhookEndpoint, error)
	CreateWebhookEndpoint(ctx context.Context, ep *soko.WebhookEndpoint) error
	UpdateWebhookEndpoint(ctx context.Context, ep *soko.WebhookEndpoint, rotate bool) error
	DeleteWebhookEndpoint(ctx context.Context, merchantID, id int64) error
	ListWebhookDeliveries(ctx context.Context, merchantID int64, status soko.OutboxStatus, endpointID int64, page soko.Page) ([]*soko.OutboxMessage, error)
	RedeliverWebhook(ctx context.Context, merchantID, id int64) (*soko.OutboxMessage, error)
}

func endpointOut(ep *soko.WebhookEndpoint, showSecret bool) api.WebhookEndpoint {
	out := api.WebhookEndpoint{
		Id: ep.ID, Url: ep.URL, Enabled: ep.Active, EventTypes: ep.EventTypes, SecretPrefix: ep.Secret[:min(len(ep.Secret), 12)],
		UpdatedAt: apiTime(ep.UpdatedAt),
	}
	if out.EventTypes == nil {
		out.EventTypes = []string{}
	}
	if showSecret {
		out.Secret = &ep.Secret
	}
	if ep.PreviousSecret != "" {
		out.PreviousSecretUntil = &ep.PreviousSecretUntil
	}
	return out
}

// GetWebhookEndpoint answers GET /api/v1/webhook-endpoint.
func (h apiHandlers) GetWebhookEndpoint(ctx context.Context, _ api.GetWebhookEndpointRequestObject) (api.GetWebhookEndpointResponseObject, error) {
	ep, err := h.store.FindWebhookEndpoint(ctx, merchantOf(ctx))
	if err != nil {
		return nil, err
	}
	return api.GetWebhookEndpoint200JSONResponse(endpointOut(ep, false)), nil
}

// PutWebhookEndpoint answers PUT /api/v1/webhook-endpoint.
func (h apiHandlers) PutWebhookEndpoint(ctx context.Context, req api.PutWebhookEndpointRequestObject) (api.PutWebhookEndpointResponseObject, error) {
	ep, err := h.endpointIn(ctx, 0, *req.Body)
	if err != nil {
		return nil, err
	}
	newSecret, err := h.store.PutWebhookEndpoint(ctx, ep, deref(req.Body.RotateSecret))
	if err != nil {
		return nil, err
	}
	return api.PutWebhookEndpoint200JSONResponse(endpointOut(ep, newSecret)), nil
}

// ListWebhookEndpoints answers GET /api/v1/webhook-endpoints.
func (h apiHandlers) ListWebhookEndpoints(ctx context.Context, _ api.ListWebhookEndpointsRequestObject) (api.ListWebhookEndpointsResponseObject, error) {
	eps, err := h.store.ListWebhookEndpoints(ctx, merchantOf(ctx))
	if err != nil {
		return nil, err
	}
	out := api.WebhookEndpointList{Data: make([]api.WebhookEndpoint, len(eps))}
	for i, ep := range eps {
		out.Data[i] = endpointOut(ep, false)
	}
	return api.ListWebhookEndpoints200JSONResponse(out), nil
}

// CreateWebhookEndpoint answers POST /api/v1/webhook-endpoints.
func (h apiHandlers) CreateWebhookEndpoint(ctx context.Context, req api.CreateWebhookEndpointRequestObject) (api.CreateWebhookEndpointResponseObject, error) {
	ep, err := h.endpointIn(ctx, 0, *req.Body)
	if err != nil {
		return nil, err
	}
	if err := h.store.CreateWebhookEndpoint(ctx, ep); err != nil {
		return nil, err
	}
	return api.CreateWebhookEndpoint201JSONResponse(endpointOut(ep, true)), nil
}

// GetWebhookEndpointByID answers GET /api/v1/webhook-endpoints/{endpoint_id}.
func (h apiHandlers) GetWebhookEndpointByID(ctx context.Context, req api.GetWebhookEndpointByIDRequestObject) (api.GetWebhookEndpointByIDResponseObject, error) {
	ep, err := h.store.WebhookEndpoint(ctx, merchantOf(ctx), req.EndpointId)
	if err != nil {
		return nil, err
	}
	return api.GetWebhookEndpointByID200JSONResponse(endpointOut(ep, false)), nil
}

// UpdateWebhookEndpoint answers PUT /api/v1/webhook-endpoints/{endpoint_id}.
func (h apiHandlers) UpdateWebhookEndpoint(ctx context.Context, req api.UpdateWebhookEndpointRequestObject) (api.UpdateWebhookEndpointResponseObject, error) {
	ep, err := h.endpointIn(ctx, req.EndpointId, *req.Body)
	if err != nil {
		return nil, err
	}
	rotate := deref(req.Body.RotateSecret)
	if err := h.store.UpdateWebhookEndpoint(ctx, ep, rotate); err != nil {
		return nil, err
	}
	return api.UpdateWebhookEndpoint200JSONResponse(endpointOut(ep, rotate)), nil
}

// DeleteWebhookEndpoint answers DELETE /api/v1/webhook-endpoints/{endpoint_id}.
func (h apiHandlers) DeleteWebhookEndpoint(ctx context.Context, req api.DeleteWebhookEndpointRequestObject) (api.DeleteWebhookEndpointResponseObject, error) {
	if err := h.store.DeleteWebhookEndpoint(ctx, merchantOf(ctx), req.EndpointId); err != nil {
		return nil, err
	}
	return api.DeleteWebhookEndpoint204Response{}, nil
}

// endpointIn reads an endpoint's settings from the request, its URL checked.
func (h apiHandlers) endpointIn(ctx context.Context, id int64, in api.WebhookEndpointInput) (*soko.WebhookEndpoint, error) {
	if err := h.checkWebhookURL(ctx, in.Url); err != nil {
		return nil, err
	}
	ep := &soko.WebhookEndpoint{ID: id, MerchantID: merchantOf(ctx), URL: in.Url, Active: in.Enabled == nil || *in.Enabled}
	for _, t := range deref(in.EventTypes) {
		if !slices.Contains(ep.EventTypes, string(t)) {
			ep.EventTypes = append(ep.EventTypes, string(t))
		}
	}
	return ep, nil
}

// checkWebhookURL refuses URLs soko must not call: anything but https (http
// only where the admin allows it) and hosts that are or resolve to internal
// addresses, unless the admin allowed the host, so a merchant cannot make
// soko probe the warehouse's own network (SSRF). The host rule is the one
// delivery applies (soko.CheckWebhookHost), so the merchant learns now
// rather than from dead deliveries.
func (s *Server) checkWebhookURL(ctx context.Context, raw string) error {
	lang := langOf(ctx)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return soko.Errorf(soko.EINVALID, "webhook URL refused: not an absolute URL").
			JA("このWebhook URLは使えません: URLの形式が正しくありません").WithField("url", soko.Text{JA: "URLの形式が正しくありません", EN: "not an absolute URL"}.In(lang))
	}
	// http is for the hosts the admin allowed, on the warehouse's own
	// network, as the API description promises.
	httpAllowed := s.allowPrivateWebhooks || soko.AllowedHost(s.webhookAllowHosts, strings.TrimSuffix(strings.ToLower(u.Hostname()), "."))
	if u.Scheme != "https" && !(u.Scheme == "http" && httpAllowed) {
		return soko.Errorf(soko.EINVALID, "webhook URL refused: use an https URL").
			JA("このWebhook URLは使えません: https のURLを指定してください").WithField("url", soko.Text{JA: "https のURLを指定してください", EN: "use an https URL"}.In(lang))
	}
	if s.allowPrivateWebhooks {
		return nil
	}
	lookup, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if e := soko.CheckWebhookHost(lookup, u.Hostname(), s.webhookAllowHosts, resolve); e != nil {
		return soko.Errorf(soko.EINVALID, "webhook URL refused: %s", e.Message.EN).JA("このWebhook URLは使えません: %s", e.Message.JA).
			WithField("url", e.Message.In(lang))
	}
	return nil
}

// resolve looks a webhook's host name up in DNS.
func resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

func deliveryOut(m *soko.OutboxMessage) api.WebhookDelivery {
	out := api.WebhookDelivery{
		Id: m.ID, EventType: m.EventType, Status: api.WebhookDeliveryStatus(m.Status), Attempts: m.Attempts,
		CreatedAt: apiTime(m.CreatedAt),
	}
	if m.EndpointID != 0 {
		out.EndpointId = &m.EndpointID
	}
	if m.OrderNumber != "" {
		out.OrderNo = &m.OrderNumber
	}
	if m.LastError != "" {
		out.LastError = &m.LastError
	}
	if m.Status == soko.OutboxPending {
		t := apiTime(m.NextAttempt)
		out.NextAttemptAt = &t
	}
	return out
}

// ListWebhookDeliveries answers GET /api/v1/webhook-deliveries.
func (h apiHandlers) ListWebhookDeliveries(ctx context.Context, req api.ListWebhookDeliveriesRequestObject) (api.ListWebhookDeliveriesResponseObject, error) {
	page, err := pageOf(req.Params.Limit, req.Params.Cursor, nil)
	if err != nil {
		return nil, err
	}
	ms, err := h.store.ListWebhookDeliveries(ctx, merchantOf(ctx), soko.OutboxStatus(deref(req.Params.Status)), deref(req.Params.EndpointId), page)
	if err != nil {
		return nil, err
	}
	ms, next := trimPage(ms, page, func(m *soko.OutboxMessage) int64 { return m.ID })
	out := api.WebhookDeliveryList{Data: make([]api.WebhookDelivery, len(ms)), NextCursor: next}
	for i, m := range ms {
		out.Data[i] = deliveryOut(m)
	}
	return api.ListWebhookDeliveries200JSONResponse(out), nil
}

// RedeliverWebhook answers POST /api/v1/webhook-deliveries/{delivery_id}/redeliver.
func (h apiHandlers) RedeliverWebhook(ctx context.Context, req api.RedeliverWebhookRequestObject) (api.RedeliverWebhookResponseObject, error) {
	m, err := h.store.RedeliverWebhook(ctx, merchantOf(ctx), req.DeliveryId)
	if err != nil {
		return nil, err
	}
	return api.RedeliverWebhook202JSONResponse(deliveryOut(m)), nil
}
