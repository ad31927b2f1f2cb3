import type { TrendsView } from '../src/shared/dashboard-view-model';
import { append, el } from './dom';
import { confidenceLines, hBars, legend, stackedCauseBars } from './charts';

/** The "learning over time" tab: five charts from the agent's trends, redrawn only when the trends changed. */
export class TrendsRenderer {
  readonly element: HTMLDivElement;
  private sig = '';

  constructor() {
    this.element = el('div', 'trends');
    this.element.setAttribute('role', 'region');
    this.element.setAttribute('aria-label', 'Trends');
  }

  show(v: TrendsView): void {
    const sig = JSON.stringify(v);
    if (sig === this.sig) return;
    this.sig = sig;
    const cards: HTMLElement[] = [];
    if (v.empty) {
      this.element.replaceChildren(el('p', 'empty', 'No trends yet: they fill in as the loop sees incidents and you record outcomes.'));
      return;
    }
    cards.push(
      card(`Incidents per cause (per ${v.bucketLabel})`, [
        v.causeBars.length ? stackedCauseBars(v) : el('p', 'muted', 'No incidents yet.'),
        legend(v.causes.map((c) => ({ label: c.label, swatch: `cause-${c.index}`, note: String(c.total) }))),
      ]),
    );
    cards.push(
      card('Reasoning mode mix', [
        hBars(
          'Incidents per reasoning mode',
          v.modeMix.map((m) => ({ label: `${m.badge.icon} ${m.badge.label}`, value: m.count, text: `${m.count} (${m.percent})`, tone: `fill-${m.badge.tone}`, title: `${m.badge.label}: ${m.count} incidents, ${m.percent}` })),
          Math.max(1, ...v.modeMix.map((m) => m.count)),
        ),
      ]),
    );
    cards.push(
      card('Confidence over time, per cause', [
        v.confidence.length ? confidenceLines(v) : el('p', 'muted', 'No reasoned incidents yet.'),
        legend(v.confidence.map((s, k) => ({ label: s.label, line: `stroke-cause-${s.index} dash-${k % 4}` }))),
      ]),
    );
    const outcomeMax = Math.max(1, ...v.outcomes.map((o) => o.count));
    cards.push(
      card('Outcome feedback', [
        v.outcomes.some((o) => o.count > 0)
          ? hBars(
              'Outcomes recorded by people',
              v.outcomes.map((o) => ({ label: o.label, value: o.count, text: String(o.count), tone: `fill-outcome-${o.outcome}`, title: `${o.label}: ${o.count}` })),
              outcomeMax,
            )
          : el('p', 'muted', 'No outcomes recorded yet (mark incidents resolved / false positive / wrong cause to teach the rules).'),
      ]),
    );
    cards.push(
      card('Per-rule precision', [
        v.rulePrecision.length
          ? hBars(
              'Precision of each rule from recorded outcomes',
              v.rulePrecision.map((r) => ({ label: r.ruleId, value: r.precision, text: `${r.percent} · n=${r.samples}`, tone: r.precision >= 0.8 ? 'fill-good' : r.precision >= 0.5 ? 'fill-fair' : 'fill-poor', title: `${r.ruleId}: precision ${r.percent} over ${r.samples} outcomes` })),
              1,
            )
          : el('p', 'muted', 'No rule has outcome feedback yet.'),
      ]),
    );
    const llm = el('dl', 'tiles');
    const tile = (k: string, val: string): void => {
      const d = el('div', 'tile');
      append(d, el('dt', undefined, k), el('dd', undefined, val));
      llm.appendChild(d);
    };
    tile('LLM calls', String(v.llm.calls));
    tile('Failures', `${v.llm.failures} (${v.llm.failureRate})`);
    tile('Cache hits', `${v.llm.cacheHits} (${v.llm.cacheRate})`);
    tile('Mean latency', v.llm.meanLatency);
    const llmBars =
      v.llm.calls > 0
        ? hBars(
            'LLM calls: succeeded, failed and served from cache',
            [
              { label: 'Succeeded', value: v.llm.calls - v.llm.failures, text: String(v.llm.calls - v.llm.failures), tone: 'fill-good', title: `${v.llm.calls - v.llm.failures} calls succeeded` },
              { label: 'Failed', value: v.llm.failures, text: String(v.llm.failures), tone: 'fill-poor', title: `${v.llm.failures} calls failed` },
              { label: 'Cache hits', value: v.llm.cacheHits, text: String(v.llm.cacheHits), tone: 'fill-fair', title: `${v.llm.cacheHits} answers served from cache` },
            ],
            Math.max(1, v.llm.calls, v.llm.cacheHits),
          )
        : el('p', 'muted', 'No LLM calls: every incident was decided by the rules.');
    cards.push(card('LLM usage', [llm, llmBars]));
    this.element.replaceChildren(...cards);
  }
}

function card(title: string, content: (HTMLElement | SVGElement)[]): HTMLElement {
  const c = el('section', 'card');
  c.appendChild(el('h3', undefined, title));
  append(c, ...content);
  return c;
}
