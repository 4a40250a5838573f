package server

import (
	"context"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// emailStore is what email.go's handlers need of the store.
type emailStore interface {
	SaveEmailTemplate(ctx context.Context, merchantID int64, t soko.EmailTemplate) error
}

func emailTemplateOut(t soko.EmailTemplate) api.EmailTemplate {
	out := api.EmailTemplate{
		Subject: t.Subject, Body: t.Body, DefaultSubject: soko.DefaultEmailTemplate.Subject, DefaultBody: soko.DefaultEmailTemplate.Body,
		DeliveryNotices: t.DeliveryNotices,
		Placeholders:    make([]api.EmailPlaceholder, len(soko.EmailPlaceholders)),
	}
	for i, p := range soko.EmailPlaceholders {
		out.Placeholders[i] = api.EmailPlaceholder{Name: p.Name, Description: p.Japanese}
		if p.Within != "" {
			out.Placeholders[i].Within = ptr(p.Within)
		}
	}
	return out
}

// GetEmailTemplate answers GET /ops/merchants/{merchant_id}/email-template.
func (h apiHandlers) GetEmailTemplate(ctx context.Context, req api.GetEmailTemplateRequestObject) (api.GetEmailTemplateResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	m, err := h.store.MerchantByID(ctx, req.MerchantId)
	if err != nil {
		return nil, err
	}
	return api.GetEmailTemplate200JSONResponse(emailTemplateOut(m.EmailTemplate)), nil
}

// PutEmailTemplate answers PUT /ops/merchants/{merchant_id}/email-template;
// only admins change what merchants' customers are sent.
func (h apiHandlers) PutEmailTemplate(ctx context.Context, req api.PutEmailTemplateRequestObject) (api.PutEmailTemplateResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	t := soko.EmailTemplate{Subject: req.Body.Subject, Body: req.Body.Body, DeliveryNotices: deref(req.Body.DeliveryNotices)}
	if err := h.store.SaveEmailTemplate(ctx, req.MerchantId, t); err != nil {
		return nil, err
	}
	return api.PutEmailTemplate200JSONResponse(emailTemplateOut(t)), nil
}

// PreviewEmailTemplate answers POST
// /ops/merchants/{merchant_id}/email-template/preview: the template as a
// customer of this merchant would get it for a sample order, unsaved.
func (h apiHandlers) PreviewEmailTemplate(ctx context.Context, req api.PreviewEmailTemplateRequestObject) (api.PreviewEmailTemplateResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	m, err := h.store.MerchantByID(ctx, req.MerchantId)
	if err != nil {
		return nil, err
	}
	t := soko.EmailTemplate{Subject: req.Body.Subject, Body: req.Body.Body}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	sample := soko.SampleShipmentEmail(h.now())
	sample.MerchantName = m.Name
	subject, body, err := t.Render(sample)
	if err != nil {
		return nil, err
	}
	return api.PreviewEmailTemplate200JSONResponse{Subject: subject, Body: body}, nil
}
