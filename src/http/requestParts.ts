// Small readers of the request shared by the routes.
import type { Request, Response } from 'express';
import type { Origin } from '../domain/submitAction';
import { visitorOf } from './rateLimits';

/** A route parameter as one string (Express 5 types allow arrays). */
export const param = (value: string | string[] | undefined): string => (Array.isArray(value) ? value[0] : (value ?? ''));

/** Where an action came from, for its consent record. */
export const originOf = (req: Request): Origin => ({
  ip: req.ip ?? null,
  visitor: visitorOf(req),
  userAgent: req.get('user-agent')?.slice(0, 500) ?? null,
  pageUrl: (req.get('referer') ?? req.get('origin'))?.slice(0, 1000) ?? null,
});

/** The path as logs may show it: a confirmation link's secret is masked. */
export const loggedPath = (req: Request): string => req.path.replace(/^\/confirm\/[^/]+/, '/confirm/[token]');

/**
 * A JSON answer to a POST, written as is: res.json would also work out an ETag and check whether
 * the client's copy is fresh, which no client of a POST asks for.
 */
export function answerJson(res: Response, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}
