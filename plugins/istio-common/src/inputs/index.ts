export * from './limits';
export * from './fields';
export * from './formatIssues';
export * from './namespaceInput';
export * from './gatewayInput';
export * from './virtualServiceInput';
export * from './destinationRuleInput';
export * from './authorizationPolicyInput';
