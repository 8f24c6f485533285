/** Every spelling of a name a template needs, derived once (Nx's names()). */
export interface Names {
  /** As written: billing_advanced, my-app */
  name: string;
  /** BillingAdvanced */
  className: string;
  /** billingAdvanced */
  propertyName: string;
  /** BILLING_ADVANCED */
  constantName: string;
  /** billing-advanced */
  fileName: string;
  /** Billing Advanced */
  title: string;
}

export function names(name: string): Names {
  const words = name
    .replace(/^@[^/]+\//, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  const className = words.map(cap).join('');
  const safeClass = /^[0-9]/.test(className) ? `_${className}` : className;
  return {
    name,
    className: safeClass,
    propertyName: safeClass.charAt(0).toLowerCase() + safeClass.slice(1),
    constantName: words.join('_').toUpperCase(),
    fileName: words.join('-'),
    title: words.map(cap).join(' '),
  };
}
