// Label selectors with Kubernetes' meaning: every matchLabels pair and every matchExpression must hold; an empty
// selector matches every service (as in Kubernetes and Argo CD's RollingSync steps).
import type { LabelSelector, Labels } from './manifest-schema';

export function matchesSelector(labels: Labels, selector: LabelSelector): boolean {
  const pairs = Object.entries(selector.matchLabels ?? {});
  if (!pairs.every(([key, value]) => labels[key] === value)) return false;
  return (selector.matchExpressions ?? []).every((expression) => {
    const value = labels[expression.key];
    switch (expression.operator) {
      case 'Exists':
        return value !== undefined;
      case 'In':
        return value !== undefined && (expression.values ?? []).includes(value);
      case 'NotIn':
        // Kubernetes: a service without the label is "not in" any set of its values.
        return value === undefined || !(expression.values ?? []).includes(value);
    }
  });
}

/** The selector as `kubectl get -l` writes it (env=prod,tier in (gold,silver),!team…), for plan and lint output. */
export function formatSelector(selector: LabelSelector): string {
  const parts = [
    ...Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`),
    ...(selector.matchExpressions ?? []).map((expression) => {
      const values = (expression.values ?? []).join(',');
      if (expression.operator === 'Exists') return expression.key;
      return `${expression.key} ${expression.operator === 'In' ? 'in' : 'notin'} (${values})`;
    }),
  ];
  return parts.length === 0 ? '(every service)' : parts.join(',');
}
